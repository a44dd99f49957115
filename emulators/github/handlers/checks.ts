// Check runs: create/update with GitHub's rules (50 annotations per request, conclusion required to
// complete, head_sha must be a commit), annotations stored across updates, list by ref.
import { paginate, type Ctx, type Handler } from '../context.ts';
import { GitHubHttpError, notFound } from '../http-error.ts';
import { integration, nodeId, type RepoRecord } from '../objects.ts';
import type { Annotation, CheckRunRecord, EmulatorState } from '../state.ts';
import { pullShas } from './pulls.ts';
import { commitOf, now, repoOf } from './common.ts';

const MAX_ANNOTATIONS = 50;

async function checkRunObject(state: EmulatorState, r: RepoRecord, c: CheckRunRecord) {
  const u = state.urls;
  const api = `${u.api}/repos/${r.owner}/${r.name}`;
  const repoMin = { id: r.id, url: api, name: r.name };
  const pulls = [];
  for (const pr of state.pulls.values()) {
    if (pr.repoKey !== c.repoKey || pr.state !== 'open') continue;
    const { head, base } = await pullShas(state, pr);
    if (head === c.headSha)
      pulls.push({ id: pr.id, number: pr.number, url: `${api}/pulls/${pr.number}`, head: { ref: pr.head, sha: head, repo: repoMin }, base: { ref: pr.base, sha: base, repo: repoMin } });
  }
  return {
    id: c.id,
    head_sha: c.headSha,
    node_id: nodeId('CR_', c.id),
    external_id: c.externalId ?? '',
    url: `${api}/check-runs/${c.id}`,
    html_url: `${u.web}/${r.owner}/${r.name}/runs/${c.id}`,
    details_url: c.detailsUrl ?? `${u.web}/apps/${state.app.slug}`,
    status: c.status,
    conclusion: c.conclusion,
    started_at: c.startedAt,
    completed_at: c.completedAt,
    output: { ...c.output, annotations_count: c.annotations.length, annotations_url: `${api}/check-runs/${c.id}/annotations` },
    name: c.name,
    check_suite: { id: c.suiteId },
    app: integration(u, state.app),
    pull_requests: pulls,
  };
}

function invalid(message: string, ctx: Ctx): GitHubHttpError {
  return new GitHubHttpError(422, `Invalid request.\n\n${message}`, { documentationUrl: ctx.operation.op.externalDocs?.url });
}

/** Applies create/update fields with GitHub's rules; throws 422 like GitHub. */
function apply(ctx: Ctx, c: CheckRunRecord, b: Record<string, any>): void {
  const annotations: Annotation[] = b.output?.annotations ?? [];
  if (annotations.length > MAX_ANNOTATIONS)
    throw invalid(`For 'properties/annotations', the array has ${annotations.length} items; only ${MAX_ANNOTATIONS} annotations are allowed per request.`, ctx);
  for (const a of annotations) {
    if (a.start_line > a.end_line) throw invalid(`For 'properties/annotations', start_line ${a.start_line} is after end_line ${a.end_line}.`, ctx);
    if ((a.start_column !== undefined || a.end_column !== undefined) && a.start_line !== a.end_line)
      throw invalid(`For 'properties/annotations', start_column and end_column are only allowed when start_line equals end_line.`, ctx);
  }
  const status = b.conclusion !== undefined && b.conclusion !== null ? 'completed' : (b.status ?? c.status);
  if (status === 'completed' && !(b.conclusion ?? c.conclusion)) throw invalid(`"conclusion" wasn't supplied.`, ctx);
  if (b.name !== undefined) c.name = b.name;
  if (b.details_url !== undefined) c.detailsUrl = b.details_url;
  if (b.external_id !== undefined) c.externalId = b.external_id;
  if (b.started_at !== undefined) c.startedAt = b.started_at;
  if (b.actions !== undefined) c.actions = b.actions;
  if (b.output) {
    c.output = { title: b.output.title ?? c.output.title, summary: b.output.summary ?? c.output.summary, text: b.output.text ?? c.output.text };
    c.annotations.push(...annotations);
  }
  c.status = status;
  if (status === 'completed') {
    c.conclusion = b.conclusion ?? c.conclusion;
    c.completedAt = b.completed_at ?? c.completedAt ?? now();
  } else {
    c.conclusion = null;
    c.completedAt = null;
  }
  c.history.push({ status: c.status, conclusion: c.conclusion });
}

function runOf(ctx: Ctx): { r: RepoRecord; c: CheckRunRecord } {
  const r = repoOf(ctx);
  const c = ctx.state.checkRuns.find((x) => x.id === Number(ctx.params.check_run_id) && x.repoKey === `${r.owner}/${r.name}`.toLowerCase());
  if (!c) throw notFound();
  return { r, c };
}

export const checkHandlers: Record<string, Handler> = {
  'checks/create': async (ctx) => {
    const r = repoOf(ctx);
    const sha = await commitOf(r, String(ctx.body.head_sha), 'no_commit');
    if (!sha.startsWith(String(ctx.body.head_sha))) throw new GitHubHttpError(422, `No commit found for SHA: ${ctx.body.head_sha}`);
    const key = `${r.owner}/${r.name}`.toLowerCase();
    const suite = ctx.state.checkRuns.find((x) => x.repoKey === key && x.headSha === sha)?.suiteId ?? ctx.state.id();
    const c: CheckRunRecord = {
      repoKey: key,
      id: ctx.state.id(),
      suiteId: suite,
      name: ctx.body.name,
      headSha: sha,
      status: 'queued',
      conclusion: null,
      startedAt: now(),
      completedAt: null,
      detailsUrl: null,
      externalId: null,
      output: { title: null, summary: null, text: null },
      annotations: [],
      actions: [],
      history: [],
    };
    apply(ctx, c, ctx.body);
    ctx.state.checkRuns.push(c);
    return { status: 201, body: await checkRunObject(ctx.state, r, c) };
  },

  'checks/update': async (ctx) => {
    const { r, c } = runOf(ctx);
    apply(ctx, c, ctx.body ?? {});
    return { status: 200, body: await checkRunObject(ctx.state, r, c) };
  },

  'checks/get': async (ctx) => {
    const { r, c } = runOf(ctx);
    return { status: 200, body: await checkRunObject(ctx.state, r, c) };
  },

  'checks/list-annotations': (ctx) => {
    const { r, c } = runOf(ctx);
    const page = paginate(ctx, c.annotations);
    page.body = (page.body as Annotation[]).map((a) => ({
      path: a.path,
      blob_href: `${ctx.state.urls.web}/${r.owner}/${r.name}/blob/${c.headSha}/${a.path}`,
      start_line: a.start_line,
      end_line: a.end_line,
      start_column: a.start_column ?? null,
      end_column: a.end_column ?? null,
      annotation_level: a.annotation_level,
      title: a.title ?? '',
      message: a.message,
      raw_details: a.raw_details ?? '',
    }));
    return page;
  },

  'checks/list-for-ref': async (ctx) => {
    const r = repoOf(ctx);
    const sha = await commitOf(r, String(ctx.params.ref), 'no_commit');
    let runs = ctx.state.checkRuns.filter((x) => x.repoKey === `${r.owner}/${r.name}`.toLowerCase() && x.headSha === sha);
    if (ctx.query.check_name) runs = runs.filter((x) => x.name === ctx.query.check_name);
    if (ctx.query.status) runs = runs.filter((x) => x.status === ctx.query.status);
    if ((ctx.query.filter ?? 'latest') === 'latest') runs = runs.filter((x) => !runs.some((y) => y.name === x.name && y.id > x.id));
    runs = [...runs].sort((a, b) => b.id - a.id);
    const page = paginate(ctx, runs);
    const list = await Promise.all((page.body as CheckRunRecord[]).map((c) => checkRunObject(ctx.state, r, c)));
    page.body = { total_count: runs.length, check_runs: list };
    return page;
  },
};
