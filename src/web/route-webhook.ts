// Decide what a webhook asks for, as data: which job to enqueue, or why it is ignored. Pure, so the
// whole event table is testable without HTTP; the Probot handlers only execute the decision.
import type { CommandName } from '../queue/jobs.ts';
import { LABEL_VALUE } from '../core/config/schema.ts';

export type Route =
  | { queue: 'plan'; repo: string; installationId: number; pr: number; headSha: string; baseSha: string; fork: boolean; requestedBy?: string; event: 'pull_request' | 'check_run' }
  | { queue: 'push'; repo: string; installationId: number; ref: string; sha: string; before?: string; forced: boolean; defaultBranch: string }
  | { queue: 'command'; repo: string; installationId: number; pr: number; command: CommandName | 'unknown'; text: string; commentId: number; sender: string; app?: string; allowMassPrune?: boolean; sha?: string; bot?: boolean; target?: string; onIssue?: boolean }
  | { queue: 'close'; repo: string; installationId: number; pr: number; headSha: string; merged: boolean }
  | { queue: 'none'; reason: string };

type Json = Record<string, any>; // webhook payloads are validated by GitHub's schema upstream; we read defensively.

const ZERO_SHA = /^0+$/;
const PLAN_ACTIONS = new Set(['opened', 'synchronize', 'reopened']);
export const COMMAND_PREFIX = '/driftguard';

export function routeWebhook(name: string, payload: Json, ownAppId?: number): Route {
  // A correctly signed body of an unexpected shape (a GitHub schema change, a forged delivery with a
  // leaked secret) is ignored with a reason, not a 500 that GitHub would redeliver forever.
  try {
    return routeWellFormed(name, payload, ownAppId);
  } catch (e) {
    if (e instanceof TypeError) return { queue: 'none', reason: `malformed ${name} payload: ${e.message}` };
    throw e;
  }
}

function routeWellFormed(name: string, payload: Json, ownAppId?: number): Route {
  const repo: string | undefined = payload?.repository?.full_name;
  const installationId: number | undefined = payload?.installation?.id;
  if (!repo || typeof installationId !== 'number') return { queue: 'none', reason: 'no repository or installation in payload' };

  switch (name) {
    case 'pull_request': {
      const pr = payload.pull_request;
      // Closed (merged or not): plans still queued for it are superseded, its previews are removed.
      if (payload.action === 'closed') return { queue: 'close', repo, installationId, pr: pr.number, headSha: pr.head.sha, merged: pr.merged === true };
      if (!PLAN_ACTIONS.has(payload.action)) return { queue: 'none', reason: `pull_request.${payload.action} ignored` };
      return {
        queue: 'plan', repo, installationId, pr: pr.number, headSha: pr.head.sha, baseSha: pr.base.sha,
        fork: isFork(pr), requestedBy: pr.user?.login, event: 'pull_request',
      };
    }
    case 'push': {
      const ref: string = payload.ref ?? '';
      if (!ref.startsWith('refs/heads/')) return { queue: 'none', reason: `push to ${ref || 'unknown ref'} (not a branch)` };
      if (payload.deleted || !payload.after || ZERO_SHA.test(payload.after)) return { queue: 'none', reason: 'branch deleted' };
      const before = typeof payload.before === 'string' ? payload.before : undefined;
      return { queue: 'push', repo, installationId, ref, sha: payload.after, ...(before ? { before } : {}), forced: payload.forced === true, defaultBranch: payload.repository.default_branch ?? payload.repository.master_branch ?? 'main' };
    }
    case 'issue_comment': {
      if (payload.action !== 'created') return { queue: 'none', reason: `issue_comment.${payload.action} ignored` };
      // Commands run on pull requests and on plain issues (the drift issue): a reply says which work where.
      const onIssue = !payload.issue?.pull_request;
      const parsed = parseCommand(payload.comment?.body ?? '');
      // Bots are never obeyed. A bot's approval of a fork is answered (rate-limited) so the human behind
      // it learns an approval must come from a person; any other bot command is ignored.
      const bot = payload.sender?.type === 'Bot';
      if (bot && parsed?.command !== 'approve') return { queue: 'none', reason: 'comment by a bot' };
      if (!parsed) return { queue: 'none', reason: 'not a /driftguard command' };
      const { command, text, app, allowMassPrune, sha, target } = parsed;
      return {
        queue: 'command', repo, installationId, pr: payload.issue.number, command, text, commentId: payload.comment.id, sender: payload.sender?.login ?? payload.comment.user?.login,
        ...(app ? { app } : {}), ...(allowMassPrune ? { allowMassPrune } : {}), ...(sha ? { sha } : {}), ...(bot ? { bot } : {}),
        ...(target ? { target } : {}), ...(onIssue ? { onIssue } : {}),
      };
    }
    case 'check_run': {
      const run = payload.check_run;
      if (payload.action !== 'rerequested') return { queue: 'none', reason: `check_run.${payload.action} ignored` };
      if (ownAppId !== undefined && run?.app?.id !== ownAppId) return { queue: 'none', reason: 'check run of another app' };
      const pr = (run?.pull_requests ?? [])[0];
      if (!pr) return { queue: 'none', reason: 're-run of a check run without a pull request' };
      return { queue: 'plan', repo, installationId, pr: pr.number, headSha: pr.head.sha, baseSha: pr.base.sha, fork: pr.head?.repo?.id !== pr.base?.repo?.id, requestedBy: payload.sender?.login, event: 'check_run' };
    }
    default:
      return { queue: 'none', reason: `event ${name} not handled` };
  }
}

function isFork(pr: Json): boolean {
  const head = pr.head?.repo?.full_name;
  return !head || head.toLowerCase() !== String(pr.base?.repo?.full_name ?? '').toLowerCase();
}

const APP_NAME = new RegExp(LABEL_VALUE);
const MASS_PRUNE_FLAG = '--allow-mass-prune';
const APPROVED_SHA = /^[0-9a-fA-F]{12,40}$/;
const ROLLBACK_SHA = /^[0-9a-fA-F]{7,40}$/;

export interface ParsedCommand {
  command: CommandName | 'unknown';
  /** The first line, at most 200 characters (logs only: replies never quote it). */
  text: string;
  /** sync: the app to sync (a valid app name). */
  app?: string;
  /** sync: lift the mass-prune guard for this one sync. */
  allowMassPrune?: boolean;
  /** approve, preview: the head SHA the approver reviewed (lower case). */
  sha?: string;
  /** rollback: `previous` or a commit SHA (7 to 40 hex digits, lower case). */
  target?: string;
}

/**
 * `/driftguard diff` → diff; `/driftguard sync <app> [--allow-mass-prune]` → sync; `/driftguard approve [<sha>]` → approve;
 * `/driftguard preview [<sha>]` → preview; `/driftguard preview delete` → preview-delete; first line of the
 * comment only, like Atlantis. Anything else after the prefix (extra words, other flags, a name that
 * cannot be an app) is 'unknown', so a typo never runs something else.
 */
export function parseCommand(body: string): ParsedCommand | undefined {
  const line = body.trim().split(/\r?\n/, 1)[0].trim();
  const words = line.split(/\s+/);
  if (words[0] !== COMMAND_PREFIX) return undefined;
  const text = line.slice(0, 200);
  const sub = words[1] ?? 'help';
  if (sub === 'sync') {
    const [app, ...flags] = words.slice(2);
    const allow = flags.length === 1 && flags[0] === MASS_PRUNE_FLAG;
    if (!app || !APP_NAME.test(app) || (flags.length > 0 && !allow)) return { command: 'unknown', text };
    return { command: 'sync', text, app, ...(allow ? { allowMassPrune: true } : {}) };
  }
  if (sub === 'rollback') {
    const [app, target, ...rest] = words.slice(2);
    if (!app || !APP_NAME.test(app) || !target || rest.length > 0 || (target !== 'previous' && !ROLLBACK_SHA.test(target))) return { command: 'unknown', text };
    return { command: 'rollback', text, app, target: target.toLowerCase() };
  }
  if (sub === 'resume') {
    const [app, ...rest] = words.slice(2);
    if (!app || !APP_NAME.test(app) || rest.length > 0) return { command: 'unknown', text };
    return { command: 'resume', text, app };
  }
  if (sub === 'preview') {
    // `/driftguard preview [<sha>]` (re)creates the PR's preview; on a fork it is also the approval of
    // that head, optionally pinned like approve. `/driftguard preview delete` removes it.
    const [arg, ...rest] = words.slice(2);
    if (rest.length > 0) return { command: 'unknown', text };
    if (arg === 'delete') return { command: 'preview-delete', text };
    if (arg !== undefined && !APPROVED_SHA.test(arg)) return { command: 'unknown', text };
    return { command: 'preview', text, ...(arg ? { sha: arg.toLowerCase() } : {}) };
  }
  if (sub === 'approve') {
    // Optionally pinned to the SHA the approver reviewed: at least 12 hex digits, so a fork cannot grind
    // a commit that matches a short prefix.
    const [sha, ...rest] = words.slice(2);
    if (rest.length > 0 || (sha !== undefined && !APPROVED_SHA.test(sha))) return { command: 'unknown', text };
    return { command: 'approve', text, ...(sha ? { sha: sha.toLowerCase() } : {}) };
  }
  const command = sub === 'diff' || sub === 'plan' ? 'diff' : sub === 'help' ? 'help' : 'unknown';
  return { command, text };
}
