// Thin adapter over an installation octokit for one repository: the calls the workers make, with
// GitHub's rules applied here (≤ 50 annotations per check-run request, sticky comment by marker,
// PR comments through the issues API).
import type { CheckAnnotation } from '../core/report/types.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitsOf, type InstallationOctokit } from './octokit.ts';
import { extractTarball, type ExtractResult } from './tarball.ts';
import { DriftguardError } from '../core/errors.ts';
import { SecretScrubber } from '../core/redact-secrets.ts';
import { withRateLimitNote, type RateLimitWaits } from '../core/report/rate-limit-note.ts';

export const ANNOTATIONS_PER_REQUEST = 50;

export type CheckStatus = 'queued' | 'in_progress' | 'completed';
export type CheckConclusion = 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required';

/** GitHub's check-run annotation shape; the report layer produces them. */
export type Annotation = CheckAnnotation;

export interface CheckOutput {
  title: string;
  summary: string;
  text?: string;
  annotations?: Annotation[];
}

export interface PullInfo {
  number: number;
  headSha: string;
  baseSha: string;
  baseRef: string;
  fork: boolean;
  state: string;
  author?: string;
  /** Label names (the sweeper reads `driftguard:keep-preview`). */
  labels: string[];
}

/** GitHub's compare API lists at most this many files. */
export const COMPARE_MAX_FILES = 300;

export interface CompareResult {
  status: 'diverged' | 'ahead' | 'behind' | 'identical';
  files: string[];
  /** False when GitHub's 300-file cap may have cut the list. */
  complete: boolean;
}

export type Reaction = '+1' | '-1' | 'laugh' | 'confused' | 'heart' | 'hooray' | 'rocket' | 'eyes';

export interface CheckRunInfo {
  id: number;
  name: string;
  url: string;
  externalId: string;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
}

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface Checkout {
  dir: string;
  sha: string;
  extract: ExtractResult;
  cleanup(): Promise<void>;
}

/** Request parameters that carry text we write (check-run output, comment and issue bodies, descriptions). */
const TEXT_PARAMS = ['output', 'body', 'title', 'summary', 'text', 'description', 'payload', 'message'];
const scrubbers = new WeakMap<object, SecretScrubber>();

/**
 * The one place every outgoing GitHub write passes: a request hook scrubs the text parameters with
 * the octokit's scrubber (URL credentials always; Secret values once a job registers them). Identifiers
 * (owner, repo, refs, names) are left alone: a short Secret value must not rewrite a ref.
 */
function scrubberFor(octokit: InstallationOctokit): SecretScrubber {
  let s = scrubbers.get(octokit);
  if (!s) {
    const scrubber = new SecretScrubber();
    scrubbers.set(octokit, scrubber);
    octokit.hook.before('request', (options: Record<string, unknown>) => {
      for (const k of TEXT_PARAMS) {
        if (!(k in options)) continue;
        const before = options[k];
        let after = scrubber.scrubDeep(before);
        // A deployment status description must stay within 140 characters; `++++++++` can be longer than
        // the value it replaces, so a description that fitted keeps fitting.
        if (k === 'description' && typeof before === 'string' && typeof after === 'string' && before.length <= 140 && after.length > 140) after = `${after.slice(0, 139)}…`;
        options[k] = after;
      }
    });
    s = scrubber;
  }
  return s;
}

export class RepoClient {
  readonly owner: string;
  readonly repo: string;
  /** Values this client never sends (register an app's rendered Secrets with addSecretsOf). */
  readonly scrubber: SecretScrubber;

  /**
   * @param waits what this octokit's requests waited for GitHub's limits (paceOctokit); completed check
   *   runs say so in their summary.
   */
  constructor(readonly octokit: InstallationOctokit, readonly fullName: string, readonly waits: RateLimitWaits | undefined = waitsOf(octokit)) {
    const [owner, repo] = fullName.split('/');
    this.owner = owner;
    this.repo = repo;
    this.scrubber = scrubberFor(octokit);
  }

  private get r() {
    return { owner: this.owner, repo: this.repo };
  }

  async defaultBranch(): Promise<string> {
    const { data } = await this.octokit.rest.repos.get(this.r);
    return data.default_branch;
  }

  /** Text of a file at a ref, or null when the file (or ref) does not exist. */
  async readFile(path: string, ref: string): Promise<string | null> {
    try {
      const res = await this.octokit.rest.repos.getContent({ ...this.r, path, ref, mediaType: { format: 'raw' } });
      const data = res.data as unknown;
      if (typeof data === 'string') return data;
      // Some servers ignore the raw media type and answer with the JSON content object.
      const obj = data as { type?: string; content?: string; encoding?: string };
      if (obj && obj.type === 'file' && typeof obj.content === 'string') return Buffer.from(obj.content, obj.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
      if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
      return null;
    } catch (e) {
      if (statusOf(e) === 404) return null;
      throw e;
    }
  }

  /**
   * What a directory at `ref` holds (entry names), 'file' when the path is a file, null when it does
   * not exist. One contents-API call; used to follow kustomize references without a checkout.
   */
  async listDirectory(path: string, ref: string): Promise<string[] | 'file' | null> {
    try {
      const { data } = await this.octokit.rest.repos.getContent({ ...this.r, path, ref });
      return Array.isArray(data) ? data.map((e) => e.name) : 'file';
    } catch (e) {
      if (statusOf(e) === 404) return null;
      throw e;
    }
  }

  /**
   * Files changed from `base` to `head` (GET /compare/{base}...{head}; both sides of renames), and
   * how the two relate. GitHub lists at most 300 files, so `complete` is false at that size.
   * null when either commit is unknown (e.g. `before` was garbage-collected after a force-push).
   */
  async compare(base: string, head: string): Promise<CompareResult | null> {
    try {
      // per_page pages the commits only; the file list comes whole on the first page.
      const { data } = await this.octokit.rest.repos.compareCommitsWithBasehead({ ...this.r, basehead: `${base}...${head}`, per_page: 1 });
      const files = new Set<string>();
      for (const f of data.files ?? []) {
        files.add(f.filename);
        if (f.previous_filename) files.add(f.previous_filename);
      }
      return { status: data.status, files: [...files], complete: (data.files?.length ?? 0) < COMPARE_MAX_FILES };
    } catch (e) {
      const s = statusOf(e);
      if (s === 404 || s === 422) return null;
      throw e;
    }
  }

  /** The repository tree at `sha` in a new temp dir. Call cleanup() when done. */
  async checkout(sha: string, parent = tmpdir()): Promise<Checkout> {
    const bytes = await this.downloadTarball(sha);
    const dir = await mkdtemp(join(parent, 'driftguard-checkout-'));
    try {
      const extract = await extractTarball(bytes, dir);
      return { dir, sha, extract, cleanup: () => rm(dir, { recursive: true, force: true }) };
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /** The repository archive at `sha` (one request); extract it with tarball.ts or a CheckoutCache. */
  async downloadTarball(sha: string): Promise<Uint8Array> {
    const res = await this.octokit.rest.repos.downloadTarballArchive({ ...this.r, ref: sha });
    const data = res.data as unknown;
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : data instanceof Uint8Array ? data : typeof data === 'string' ? Buffer.from(data, 'binary') : undefined;
    if (!bytes) throw new DriftguardError('NOT_FOUND', `${this.fullName}@${sha}: unexpected tarball response`);
    return bytes;
  }

  async pull(number: number): Promise<PullInfo> {
    const { data } = await this.octokit.rest.pulls.get({ ...this.r, pull_number: number });
    return {
      number,
      headSha: data.head.sha,
      baseSha: data.base.sha,
      baseRef: data.base.ref,
      fork: !data.head.repo || data.head.repo.full_name.toLowerCase() !== data.base.repo.full_name.toLowerCase(),
      state: data.state,
      author: data.user?.login,
      labels: data.labels.map((l) => l.name),
    };
  }

  /** Paths a PR touches (both sides of renames). GitHub lists at most 3000 files. */
  async pullFiles(number: number): Promise<string[]> {
    const files = await this.octokit.paginate(this.octokit.rest.pulls.listFiles, { ...this.r, pull_number: number, per_page: 100 });
    const out = new Set<string>();
    for (const f of files) {
      out.add(f.filename);
      if (f.previous_filename) out.add(f.previous_filename);
    }
    return [...out];
  }

  async createCheckRun(input: { name: string; headSha: string; status: CheckStatus; externalId?: string; detailsUrl?: string; output?: CheckOutput }): Promise<{ id: number; url: string }> {
    const { data } = await this.octokit.rest.checks.create({
      ...this.r,
      name: input.name,
      head_sha: input.headSha,
      status: input.status,
      ...(input.status === 'in_progress' ? { started_at: new Date().toISOString() } : {}),
      ...(input.externalId ? { external_id: input.externalId } : {}),
      ...(input.detailsUrl ? { details_url: input.detailsUrl } : {}),
      ...(input.output ? { output: { title: input.output.title, summary: input.output.summary, ...(input.output.text ? { text: input.output.text } : {}) } } : {}),
    });
    return { id: data.id, url: data.html_url ?? '' };
  }

  async startCheckRun(id: number, output?: CheckOutput): Promise<void> {
    await this.octokit.rest.checks.update({
      ...this.r,
      check_run_id: id,
      status: 'in_progress',
      started_at: new Date().toISOString(),
      ...(output ? { output: { title: output.title, summary: output.summary, ...(output.text ? { text: output.text } : {}) } } : {}),
    });
  }

  /** Complete a check run. Annotations go 50 per request: the first batch with the conclusion, the rest in follow-up PATCHes. */
  async completeCheckRun(id: number, conclusion: CheckConclusion, output: CheckOutput): Promise<void> {
    const annotations = output.annotations ?? [];
    const summary = this.waits ? withRateLimitNote(output.summary, this.waits) : output.summary;
    const base = { title: output.title, summary, ...(output.text ? { text: output.text } : {}) };
    await this.octokit.rest.checks.update({
      ...this.r,
      check_run_id: id,
      status: 'completed',
      conclusion,
      completed_at: new Date().toISOString(),
      output: { ...base, ...(annotations.length ? { annotations: annotations.slice(0, ANNOTATIONS_PER_REQUEST) } : {}) },
    });
    for (let i = ANNOTATIONS_PER_REQUEST; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
      await this.octokit.rest.checks.update({ ...this.r, check_run_id: id, output: { ...base, annotations: annotations.slice(i, i + ANNOTATIONS_PER_REQUEST) } });
    }
  }

  /** Every check run on `headSha` (named `name`, when given), newest first, with the external_id that says which job owns it. */
  async listCheckRuns(headSha: string, name?: string): Promise<CheckRunInfo[]> {
    const runs = await this.octokit.paginate(this.octokit.rest.checks.listForRef, { ...this.r, ref: headSha, ...(name ? { check_name: name } : {}), filter: 'all', per_page: 100 });
    return runs
      .map((c) => ({ id: c.id, name: c.name, url: c.html_url ?? '', externalId: c.external_id ?? '', status: c.status as CheckStatus, conclusion: (c.conclusion ?? null) as CheckConclusion | null }))
      .sort((a, b) => b.id - a.id);
  }

  /** Create and complete a check run in one go (plus annotation batches). */
  async reportCheckRun(input: { name: string; headSha: string; conclusion: CheckConclusion; output: CheckOutput; externalId?: string }): Promise<{ id: number; url: string }> {
    const run = await this.createCheckRun({ name: input.name, headSha: input.headSha, status: 'in_progress', externalId: input.externalId });
    await this.completeCheckRun(run.id, input.conclusion, input.output);
    return run;
  }

  /** The bot comment carrying `marker`, if any. */
  async findComment(issue: number, hasMarker: (body: string) => boolean): Promise<{ id: number; body: string } | undefined> {
    const comments = await this.octokit.paginate(this.octokit.rest.issues.listComments, { ...this.r, issue_number: issue, per_page: 100 });
    const found = comments.find((c) => c.user?.type === 'Bot' && hasMarker(c.body ?? ''));
    return found ? { id: found.id, body: found.body ?? '' } : undefined;
  }

  /**
   * Edit the sticky comment in place, or create it. With createIfMissing false nothing is created
   * (a PR that changes nothing gets no new comment). Returns what happened.
   */
  async upsertStickyComment(issue: number, body: string, hasMarker: (body: string) => boolean, createIfMissing = true): Promise<'created' | 'updated' | 'unchanged' | 'skipped'> {
    const existing = await this.findComment(issue, hasMarker);
    if (existing) {
      if (existing.body === body) return 'unchanged';
      await this.octokit.rest.issues.updateComment({ ...this.r, comment_id: existing.id, body });
      return 'updated';
    }
    if (!createIfMissing) return 'skipped';
    await this.comment(issue, body);
    return 'created';
  }

  async comment(issue: number, body: string): Promise<number> {
    const { data } = await this.octokit.rest.issues.createComment({ ...this.r, issue_number: issue, body });
    return data.id;
  }

  /** React to a comment: how refusals beyond the first are answered (a reaction notifies nobody). */
  async react(commentId: number, content: Reaction): Promise<void> {
    await this.octokit.rest.reactions.createForIssueComment({ ...this.r, comment_id: commentId, content });
  }

  /** The commit SHA a branch, tag or SHA names now. */
  async resolveRef(ref: string): Promise<string> {
    const { data } = await this.octokit.rest.repos.getCommit({ ...this.r, ref, mediaType: { format: 'sha' } });
    return String(data as unknown).trim();
  }

  /** Merged PRs whose changes are in `sha` (GET /repos/{owner}/{repo}/commits/{sha}/pulls). */
  async mergedPullsForCommit(sha: string): Promise<number[]> {
    const { data } = await this.octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...this.r, commit_sha: sha, per_page: 100 });
    return data.filter((p) => p.merged_at).map((p) => p.number);
  }

  /** `transient`/`production`: a preview is a transient, non-production environment (GitHub shows it destroyed once inactive). */
  async createDeployment(input: { sha: string; environment: string; description: string; payload?: Record<string, unknown>; transient?: boolean; production?: boolean }): Promise<number | undefined> {
    const res = await this.octokit.rest.repos.createDeployment({
      ...this.r,
      ref: input.sha,
      environment: input.environment,
      description: input.description.slice(0, 140),
      auto_merge: false,
      // Our own check runs would otherwise block the deployment (required contexts default to all).
      required_contexts: [],
      transient_environment: input.transient ?? false,
      ...(input.production !== undefined ? { production_environment: input.production } : {}),
      ...(input.payload ? { payload: input.payload as { [k: string]: unknown } } : {}),
    });
    return res.status === 201 && 'id' in res.data ? res.data.id : undefined;
  }

  async deploymentStatus(id: number, state: 'in_progress' | 'success' | 'failure' | 'error' | 'inactive' | 'queued', input: { description: string; logUrl?: string; environment?: string; environmentUrl?: string }): Promise<void> {
    await this.octokit.rest.repos.createDeploymentStatus({
      ...this.r,
      deployment_id: id,
      state,
      description: input.description.slice(0, 140),
      ...(input.logUrl ? { log_url: input.logUrl } : {}),
      ...(input.environment ? { environment: input.environment } : {}),
      ...(input.environmentUrl ? { environment_url: input.environmentUrl } : {}),
      auto_inactive: true,
    });
  }

  /**
   * Deployments of `sha` to `environment` whose latest status is not final (none yet, queued,
   * in_progress, pending): what a job that died left behind.
   */
  async openDeployments(sha: string, environment: string): Promise<number[]> {
    const { data } = await this.octokit.rest.repos.listDeployments({ ...this.r, sha, environment, per_page: 100 });
    const open: number[] = [];
    for (const d of data) {
      const { data: statuses } = await this.octokit.rest.repos.listDeploymentStatuses({ ...this.r, deployment_id: d.id, per_page: 1 });
      const state = statuses[0]?.state;
      if (state === undefined || state === 'queued' || state === 'in_progress' || state === 'pending') open.push(d.id);
    }
    return open;
  }

  /** The open issue our bot wrote whose body carries `marker` (drift issues are found again this way). */
  async findOpenIssue(marker: string): Promise<{ number: number; body: string } | undefined> {
    const issues = await this.octokit.paginate(this.octokit.rest.issues.listForRepo, { ...this.r, state: 'open', per_page: 100 });
    const found = issues.find((i) => !i.pull_request && i.user?.type === 'Bot' && (i.body ?? '').includes(marker));
    return found ? { number: found.number, body: found.body ?? '' } : undefined;
  }

  async createIssue(input: { title: string; body: string; labels?: string[]; assignees?: string[] }): Promise<number> {
    const { data } = await this.octokit.rest.issues.create({ ...this.r, title: input.title, body: input.body, ...(input.labels?.length ? { labels: input.labels } : {}), ...(input.assignees?.length ? { assignees: input.assignees } : {}) });
    return data.number;
  }

  async issueBody(number: number): Promise<{ body: string; open: boolean }> {
    const { data } = await this.octokit.rest.issues.get({ ...this.r, issue_number: number });
    return { body: data.body ?? '', open: data.state === 'open' };
  }

  /** Edit an issue's body (and title), or close it (`state: 'closed'`). */
  async updateIssue(number: number, input: { body?: string; title?: string; state?: 'open' | 'closed' }): Promise<void> {
    await this.octokit.rest.issues.update({ ...this.r, issue_number: number, ...input, ...(input.state === 'closed' ? { state_reason: 'completed' as const } : {}) });
  }

  /** The user's role on the repository; 'none' when not a collaborator. */
  async permission(username: string): Promise<Permission> {
    try {
      const { data } = await this.octokit.rest.repos.getCollaboratorPermissionLevel({ ...this.r, username });
      const role = (data as { role_name?: string }).role_name ?? data.permission;
      return (['admin', 'maintain', 'write', 'triage', 'read'] as const).find((p) => p === role) ?? (data.permission === 'write' ? 'write' : 'none');
    } catch (e) {
      if (statusOf(e) === 404) return 'none';
      throw e;
    }
  }
}

export function statusOf(e: unknown): number | undefined {
  return typeof e === 'object' && e !== null && 'status' in e ? Number((e as { status: unknown }).status) : undefined;
}

/** write, maintain and admin may run commands that re-plan. */
export function canRunCommands(p: Permission): boolean {
  return p === 'write' || p === 'maintain' || p === 'admin';
}
