// Issues and issue comments (PR conversation comments live here too), with reactions.
import { paginate, type Ctx, type Handler } from '../context.ts';
import { notFound, validationFailed } from '../http-error.ts';
import { integration, nodeId, simpleUser, stableId, type RepoRecord } from '../objects.ts';
import type { CommentRecord, EmulatorState, IssueRecord } from '../state.ts';
import { now, repoOf } from './common.ts';

export function labelObject(state: EmulatorState, r: RepoRecord, name: string) {
  const id = stableId('label', `${r.owner}/${r.name}/${name}`);
  return { id, node_id: nodeId('LA_', id), url: `${state.urls.api}/repos/${r.owner}/${r.name}/labels/${encodeURIComponent(name)}`, name, description: null, color: 'ededed', default: false };
}

function authorAssociation(state: EmulatorState, r: RepoRecord, login: string): string {
  if (login.toLowerCase() === r.owner.toLowerCase()) return 'OWNER';
  const p = state.permissions.get(`${r.owner}/${r.name}:${login}`.toLowerCase());
  return p && p !== 'none' && p !== 'read' ? 'COLLABORATOR' : 'NONE';
}

function reactionRollup(state: EmulatorState, url: string, c?: CommentRecord) {
  const counts: Record<string, number> = { '+1': 0, '-1': 0, laugh: 0, confused: 0, heart: 0, hooray: 0, eyes: 0, rocket: 0 };
  for (const x of c?.reactions ?? []) counts[x.content]++;
  return { url: `${url}/reactions`, total_count: c?.reactions.length ?? 0, ...counts };
}

/** Who is acting: the app's bot for installation tokens. */
function actor(ctx: Ctx): string {
  return ctx.auth.kind === 'installation' ? ctx.state.botLogin : 'octocat';
}

export function commentObject(state: EmulatorState, r: RepoRecord, c: CommentRecord) {
  const u = state.urls;
  const api = `${u.api}/repos/${r.owner}/${r.name}`;
  const url = `${api}/issues/comments/${c.id}`;
  const isPull = state.pull(r.owner, r.name, c.issueNumber) !== undefined;
  return {
    id: c.id,
    node_id: nodeId('IC_', c.id),
    url,
    html_url: `${u.web}/${r.owner}/${r.name}/${isPull ? 'pull' : 'issues'}/${c.issueNumber}#issuecomment-${c.id}`,
    body: c.body,
    user: simpleUser(u, c.user),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    issue_url: `${api}/issues/${c.issueNumber}`,
    author_association: authorAssociation(state, r, c.user),
    performed_via_github_app: c.user === state.botLogin ? integration(u, state.app) : null,
    reactions: reactionRollup(state, url, c),
  };
}

export function issueObject(state: EmulatorState, r: RepoRecord, i: IssueRecord) {
  const u = state.urls;
  const api = `${u.api}/repos/${r.owner}/${r.name}`;
  const url = `${api}/issues/${i.number}`;
  return {
    id: i.id,
    node_id: nodeId('I_', i.id),
    url,
    repository_url: api,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `${u.web}/${r.owner}/${r.name}/issues/${i.number}`,
    number: i.number,
    state: i.state,
    state_reason: i.stateReason,
    title: i.title,
    body: i.body,
    user: simpleUser(u, i.user),
    labels: i.labels.map((l) => labelObject(state, r, l)),
    assignee: i.assignees[0] ? simpleUser(u, i.assignees[0]) : null,
    assignees: i.assignees.map((a) => simpleUser(u, a)),
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: state.comments.filter((c) => c.repoKey === i.repoKey && c.issueNumber === i.number).length,
    closed_at: i.closedAt,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    closed_by: null,
    author_association: authorAssociation(state, r, i.user),
    performed_via_github_app: i.user === state.botLogin ? integration(u, state.app) : null,
    reactions: reactionRollup(state, url),
  };
}

/** The issue or PR a number names (they share one sequence per repository). */
function ensureIssueOrPull(ctx: Ctx, r: RepoRecord, n: number): void {
  if (ctx.state.issues.has(`${r.owner}/${r.name}#${n}`.toLowerCase()) || ctx.state.pull(r.owner, r.name, n)) return;
  throw notFound();
}

function commentOf(ctx: Ctx): { r: RepoRecord; c: CommentRecord } {
  const r = repoOf(ctx);
  const c = ctx.state.comments.find((x) => x.id === Number(ctx.params.comment_id) && x.repoKey === `${r.owner}/${r.name}`.toLowerCase());
  if (!c) throw notFound();
  return { r, c };
}

function issueOf(ctx: Ctx): { r: RepoRecord; i: IssueRecord } {
  const r = repoOf(ctx);
  const i = ctx.state.issues.get(`${r.owner}/${r.name}#${ctx.params.issue_number}`.toLowerCase());
  if (!i) throw notFound();
  return { r, i };
}

const COMMENT_MAX = 65536;

function checkCommentBody(body: string): void {
  // GitHub counts characters; the limit is on the body as stored.
  if ([...body].length > COMMENT_MAX) throw validationFailed([{ resource: 'IssueComment', code: 'unprocessable', field: 'data', message: `Body is too long (maximum is ${COMMENT_MAX} characters)` }]);
}

export const issueHandlers: Record<string, Handler> = {
  'issues/list-comments': (ctx) => {
    const r = repoOf(ctx);
    const n = Number(ctx.params.issue_number);
    ensureIssueOrPull(ctx, r, n);
    const since = ctx.query.since ? Date.parse(String(ctx.query.since)) : 0;
    const list = ctx.state.comments.filter((c) => c.repoKey === `${r.owner}/${r.name}`.toLowerCase() && c.issueNumber === n && Date.parse(c.updatedAt) >= since);
    const page = paginate(ctx, list);
    page.body = (page.body as CommentRecord[]).map((c) => commentObject(ctx.state, r, c));
    return page;
  },

  'issues/create-comment': (ctx) => {
    const r = repoOf(ctx);
    const n = Number(ctx.params.issue_number);
    ensureIssueOrPull(ctx, r, n);
    checkCommentBody(ctx.body.body);
    const t = now();
    const c: CommentRecord = { repoKey: `${r.owner}/${r.name}`.toLowerCase(), issueNumber: n, id: ctx.state.id(), body: ctx.body.body, user: actor(ctx), createdAt: t, updatedAt: t, reactions: [] };
    ctx.state.comments.push(c);
    const obj = commentObject(ctx.state, r, c);
    return { status: 201, body: obj, headers: { location: obj.url } };
  },

  'issues/get-comment': (ctx) => {
    const { r, c } = commentOf(ctx);
    return { status: 200, body: commentObject(ctx.state, r, c) };
  },

  'issues/update-comment': (ctx) => {
    const { r, c } = commentOf(ctx);
    checkCommentBody(ctx.body.body);
    c.body = ctx.body.body;
    c.updatedAt = now();
    return { status: 200, body: commentObject(ctx.state, r, c) };
  },

  'issues/delete-comment': (ctx) => {
    const { c } = commentOf(ctx);
    ctx.state.comments.splice(ctx.state.comments.indexOf(c), 1);
    return { status: 204 };
  },

  'reactions/create-for-issue-comment': (ctx) => {
    const { c } = commentOf(ctx);
    const user = actor(ctx);
    let x = c.reactions.find((y) => y.user === user && y.content === ctx.body.content);
    const existed = !!x;
    if (!x) c.reactions.push((x = { id: ctx.state.id(), content: ctx.body.content, user, createdAt: now() }));
    return { status: existed ? 200 : 201, body: { id: x.id, node_id: nodeId('REA_', x.id), user: simpleUser(ctx.state.urls, user), content: x.content, created_at: x.createdAt } };
  },

  'issues/create': (ctx) => {
    const r = repoOf(ctx);
    const title = String(ctx.body.title);
    if (title.trim() === '') throw validationFailed([{ resource: 'Issue', code: 'missing_field', field: 'title' }]);
    const key = `${r.owner}/${r.name}`.toLowerCase();
    const t = now();
    const labels = (ctx.body.labels ?? []).map((l: string | { name?: string }) => (typeof l === 'string' ? l : l.name ?? '')).filter(Boolean);
    const i: IssueRecord = {
      repoKey: key,
      number: ctx.state.nextNumber(key),
      id: ctx.state.id(),
      title,
      body: ctx.body.body ?? null,
      user: actor(ctx),
      state: 'open',
      stateReason: null,
      labels,
      assignees: ctx.body.assignees ?? (ctx.body.assignee ? [ctx.body.assignee] : []),
      createdAt: t,
      updatedAt: t,
      closedAt: null,
    };
    ctx.state.issues.set(`${key}#${i.number}`, i);
    const obj = issueObject(ctx.state, r, i);
    return { status: 201, body: obj, headers: { location: obj.url } };
  },

  'issues/get': (ctx) => {
    const r = repoOf(ctx);
    const pr = ctx.state.pull(r.owner, r.name, Number(ctx.params.issue_number));
    if (pr) {
      // A PR is also an issue: same number, plus a `pull_request` link block.
      const asIssue: IssueRecord = { ...pr, state: pr.state, stateReason: null, assignees: [], closedAt: pr.closedAt };
      const api = `${ctx.state.urls.api}/repos/${r.owner}/${r.name}`;
      const html = `${ctx.state.urls.web}/${r.owner}/${r.name}/pull/${pr.number}`;
      const body = { ...issueObject(ctx.state, r, asIssue), html_url: html, draft: pr.draft };
      return { status: 200, body: { ...body, pull_request: { url: `${api}/pulls/${pr.number}`, html_url: html, diff_url: `${html}.diff`, patch_url: `${html}.patch`, merged_at: pr.mergedAt } } };
    }
    const { i } = issueOf(ctx);
    return { status: 200, body: issueObject(ctx.state, r, i) };
  },

  'issues/update': (ctx) => {
    const { r, i } = issueOf(ctx);
    const b = ctx.body ?? {};
    if (b.title !== undefined && b.title !== null) i.title = String(b.title);
    if (b.body !== undefined) i.body = b.body;
    if (b.labels) i.labels = b.labels.map((l: string | { name?: string }) => (typeof l === 'string' ? l : l.name ?? '')).filter(Boolean);
    if (b.state && b.state !== i.state) {
      i.state = b.state;
      i.closedAt = b.state === 'closed' ? now() : null;
      i.stateReason = b.state === 'closed' ? (b.state_reason ?? 'completed') : 'reopened';
    }
    i.updatedAt = now();
    return { status: 200, body: issueObject(ctx.state, r, i) };
  },

  'issues/list-for-repo': (ctx) => {
    const r = repoOf(ctx);
    const key = `${r.owner}/${r.name}`.toLowerCase();
    const state = String(ctx.query.state ?? 'open');
    const labels = ctx.query.labels ? String(ctx.query.labels).split(',').map((s) => s.trim()) : [];
    const list = [...ctx.state.issues.values()]
      .filter((i) => i.repoKey === key && (state === 'all' || i.state === state))
      .filter((i) => labels.every((l) => i.labels.includes(l)))
      .filter((i) => !ctx.query.creator || i.user === ctx.query.creator)
      .sort((a, b) => (ctx.query.direction === 'asc' ? a.number - b.number : b.number - a.number));
    const page = paginate(ctx, list);
    page.body = (page.body as IssueRecord[]).map((i) => issueObject(ctx.state, r, i));
    return page;
  },
};
