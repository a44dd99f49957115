// Real webhook deliveries for tests: payloads from @octokit/webhooks-examples adapted to an emulator
// repository/PR, signed with X-Hub-Signature-256 and POSTed over real HTTP like GitHub's hookshot.
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { GitHubEmulator } from './index.ts';
import { pullObject } from './handlers/pulls.ts';
import { now } from './handlers/common.ts';
import { repository, simpleUser } from './objects.ts';
import { commitInfo, diffFiles, commitsBetween, resolveCommit } from './git.ts';

type Json = Record<string, any>;
interface ExampleGroup {
  name: string;
  examples: Json[];
}

let examples: ExampleGroup[] | undefined;
function allExamples(): ExampleGroup[] {
  if (!examples) {
    const require = createRequire(import.meta.url);
    examples = JSON.parse(readFileSync(require.resolve('@octokit/webhooks-examples/api.github.com/index.json'), 'utf8')) as ExampleGroup[];
  }
  return examples;
}

function isObject(v: unknown): v is Json {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Deep merge; arrays and scalars in `patch` replace, `undefined` deletes. */
export function deepMerge(base: Json, patch: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete out[k];
    else out[k] = isObject(v) && isObject(out[k]) ? deepMerge(out[k], v) : v;
  }
  return out;
}

/**
 * A real example payload for `event` (and `action`, when the event has actions), deep-copied and
 * deep-merged with `overrides`. Throws when the examples have no such payload.
 */
export function payloadFor(event: string, action?: string, overrides: Json = {}): Json {
  const group = allExamples().find((g) => g.name === event);
  if (!group) throw new Error(`@octokit/webhooks-examples has no "${event}" event`);
  // Prefer an example with an installation (App deliveries always carry one).
  const candidates = group.examples.filter((e) => action === undefined || e.action === action);
  const example = candidates.find((e) => e.installation) ?? candidates[0];
  if (!example) throw new Error(`@octokit/webhooks-examples has no "${event}.${action}" example`);
  return deepMerge(structuredClone(example), overrides);
}

export interface EmulatorPayloadOptions {
  owner: string;
  repo: string;
  /** pull_request events, and issue_comment on a PR. */
  pullNumber?: number;
  /** issue_comment on an issue. */
  issueNumber?: number;
  comment?: { body: string; user: string; id?: number };
  /** push: ref (default refs/heads/<default branch>), before and after SHAs (after defaults to the branch head). */
  push?: { ref?: string; before: string; after?: string };
  sender?: string;
  overrides?: Json;
}

/**
 * An example payload adapted to a repository (and PR) the emulator serves: repository, installation,
 * sender, pull_request (exactly as the emulator's pulls API returns it), push commits from git.
 */
export async function emulatorPayload(em: GitHubEmulator, event: string, action: string | undefined, o: EmulatorPayloadOptions): Promise<Json> {
  const st = em.state;
  const r = st.repo(o.owner, o.repo);
  if (!r) throw new Error(`emulator does not serve ${o.owner}/${o.repo}`);
  const sender = simpleUser(st.urls, o.sender ?? 'octocat');
  const repo = repository(st.urls, r);
  const patch: Json = { sender, installation: { id: r.installationId, node_id: Buffer.from(`0:Installation${r.installationId}`).toString('base64') } };
  if (event === 'push') {
    const ref = o.push?.ref ?? `refs/heads/${r.defaultBranch}`;
    const after = o.push?.after ?? (await resolveCommit(r.dir, ref));
    const before = o.push?.before ?? '0000000000000000000000000000000000000000';
    if (!after) throw new Error(`no commit for ${ref}`);
    const shas = /^0+$/.test(before) ? [after] : await commitsBetween(r.dir, before, after);
    const commits = [];
    for (const sha of shas) {
      const c = await commitInfo(r.dir, sha);
      const files = await diffFiles(r.dir, c.parents[0] ?? '4b825dc642cb6eb9a060e54bf8d69288fbee4904', sha);
      commits.push({
        id: sha,
        tree_id: c.tree,
        distinct: true,
        message: c.message,
        timestamp: c.committer.date,
        url: `${st.urls.web}/${r.owner}/${r.name}/commit/${sha}`,
        author: { name: c.author.name, email: c.author.email, username: o.sender ?? 'octocat' },
        committer: { name: c.committer.name, email: c.committer.email, username: o.sender ?? 'octocat' },
        added: files.filter((f) => f.status === 'added').map((f) => f.filename),
        removed: files.filter((f) => f.status === 'removed').map((f) => f.filename),
        modified: files.filter((f) => f.status !== 'added' && f.status !== 'removed').map((f) => f.filename),
      });
    }
    // Push payloads keep their own repository shape (owner with name/email, epoch-second timestamps).
    const { created_at: _c, pushed_at: _p, updated_at: _u, owner, ...rest } = repo;
    Object.assign(patch, {
      ref,
      before,
      after,
      created: /^0+$/.test(before),
      deleted: false,
      forced: false,
      base_ref: null,
      compare: `${st.urls.web}/${r.owner}/${r.name}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
      commits,
      head_commit: commits.at(-1) ?? null,
      pusher: { name: o.sender ?? 'octocat', email: `${o.sender ?? 'octocat'}@users.noreply.github.com` },
      repository: { ...rest, owner: { ...owner, name: owner.login, email: null }, master_branch: r.defaultBranch },
    });
  } else {
    patch.repository = repo;
  }
  if (o.pullNumber !== undefined) {
    const pr = st.pull(o.owner, o.repo, o.pullNumber);
    if (!pr) throw new Error(`emulator has no PR #${o.pullNumber}`);
    const pull = await pullObject(st, r, pr, true);
    if (event === 'pull_request') {
      patch.number = pr.number;
      patch.pull_request = pull;
      if (action === 'synchronize') {
        const { head } = pull as { head: { sha: string } };
        patch.after = head.sha;
        patch.before ??= head.sha;
      }
    } else if (event === 'issue_comment') {
      patch.issue = {
        ...pick(pull, ['url', 'id', 'node_id', 'html_url', 'number', 'state', 'locked', 'title', 'user', 'body', 'labels', 'assignee', 'assignees', 'milestone', 'created_at', 'updated_at', 'closed_at', 'author_association', 'active_lock_reason']),
        repository_url: `${st.urls.api}/repos/${r.owner}/${r.name}`,
        labels_url: `${st.urls.api}/repos/${r.owner}/${r.name}/issues/${pr.number}/labels{/name}`,
        comments_url: `${st.urls.api}/repos/${r.owner}/${r.name}/issues/${pr.number}/comments`,
        events_url: `${st.urls.api}/repos/${r.owner}/${r.name}/issues/${pr.number}/events`,
        comments: 0,
        pull_request: { url: (pull as Json).url, html_url: (pull as Json).html_url, diff_url: (pull as Json).diff_url, patch_url: (pull as Json).patch_url, merged_at: pr.mergedAt },
      };
    }
  } else if (o.issueNumber !== undefined && event === 'issue_comment') {
    patch.issue = { number: o.issueNumber, pull_request: undefined, repository_url: `${st.urls.api}/repos/${r.owner}/${r.name}` };
  }
  if (event === 'issue_comment' && o.comment) {
    const number = o.pullNumber ?? o.issueNumber;
    const id = o.comment.id ?? st.id();
    // On GitHub the comment exists before its webhook is sent: the API answers for it (reactions, get).
    if (o.comment.id === undefined && number !== undefined) {
      const t = now();
      st.comments.push({ repoKey: `${r.owner}/${r.name}`.toLowerCase(), issueNumber: number, id, body: o.comment.body, user: o.comment.user, createdAt: t, updatedAt: t, reactions: [] });
    }
    const url = `${st.urls.api}/repos/${r.owner}/${r.name}/issues/comments/${id}`;
    patch.comment = {
      id,
      node_id: Buffer.from(`0:IC_${id}`).toString('base64'),
      url,
      html_url: `${st.urls.web}/${r.owner}/${r.name}/${o.pullNumber !== undefined ? 'pull' : 'issues'}/${number}#issuecomment-${id}`,
      issue_url: `${st.urls.api}/repos/${r.owner}/${r.name}/issues/${number}`,
      body: o.comment.body,
      user: simpleUser(st.urls, o.comment.user),
      author_association: 'NONE',
      performed_via_github_app: null,
      reactions: { url: `${url}/reactions`, total_count: 0, '+1': 0, '-1': 0, laugh: 0, confused: 0, heart: 0, hooray: 0, eyes: 0, rocket: 0 },
    };
    patch.sender = simpleUser(st.urls, o.comment.user);
  }
  if (event === 'installation') {
    patch.installation = deepMerge(payloadFor('installation', action).installation, {
      id: r.installationId,
      app_id: st.app.id,
      app_slug: st.app.slug,
      account: simpleUser(st.urls, r.owner, r.ownerType),
    });
    patch.repositories = [{ id: r.id, node_id: repo.node_id, name: r.name, full_name: `${r.owner}/${r.name}`, private: r.private }];
    delete patch.repository;
  }
  return deepMerge(payloadFor(event, action), deepMerge(patch, o.overrides ?? {}));
}

function pick(o: Json, keys: string[]): Json {
  return Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
}

/** `sha256=<hex HMAC-SHA256 of the exact body>`, the X-Hub-Signature-256 value. */
export function signWebhook(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface SendWebhookOptions {
  event: string;
  payload: Json;
  secret: string;
  deliveryId?: string;
  /** Send this signature instead of the right one (bad-signature tests). */
  signature?: string;
}

/** POSTs a delivery the way GitHub does (headers, signature over the exact bytes) and returns the answer. */
export async function sendWebhook(url: string, o: SendWebhookOptions): Promise<{ status: number; body: string; deliveryId: string }> {
  const body = JSON.stringify(o.payload);
  const deliveryId = o.deliveryId ?? randomUUID();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/driftguard-test',
      'x-github-event': o.event,
      'x-github-delivery': deliveryId,
      'x-github-hook-id': '1',
      'x-github-hook-installation-target-type': 'integration',
      'x-github-hook-installation-target-id': String(o.payload.installation?.app_id ?? '1'),
      'x-hub-signature': `sha1=${createHmac('sha1', o.secret).update(body).digest('hex')}`,
      'x-hub-signature-256': o.signature ?? signWebhook(o.secret, body),
    },
    body,
  });
  return { status: res.status, body: await res.text(), deliveryId };
}
