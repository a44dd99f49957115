// Pull requests: get, list, files, and the pulls a commit belongs to.
import { paginate, type Ctx, type Handler } from '../context.ts';
import { notFound } from '../http-error.ts';
import { commitInfo, commitsBetween, diffFiles, mergeBase, resolveCommit } from '../git.ts';
import { commitObject, diffEntry, nodeId, repository, simpleUser, type RepoRecord } from '../objects.ts';
import type { EmulatorState, PullRecord } from '../state.ts';
import { commitOf, repoOf } from './common.ts';
import { labelObject } from './issues.ts';

export async function pullShas(state: EmulatorState, pr: PullRecord): Promise<{ head: string; base: string }> {
  const r = state.repos.get(pr.repoKey)!;
  const head = pr.headSha ?? (await resolveCommit(r.dir, `refs/heads/${pr.head}`));
  const base = pr.baseSha ?? (await resolveCommit(r.dir, `refs/heads/${pr.base}`));
  return { head: head!, base: base! };
}

/** `head` of a pull: a fork's repository (another id and owner, `fork: true`) when the PR comes from one. */
function headOf(state: EmulatorState, r: RepoRecord, pr: PullRecord, sha: string, repo: ReturnType<typeof repository>, owner: ReturnType<typeof simpleUser>) {
  if (!pr.headRepo) return { label: `${r.owner}:${pr.head}`, ref: pr.head, sha, user: owner, repo };
  const [forkOwner, forkName] = pr.headRepo.split('/');
  const fork = { ...repository(state.urls, { ...r, id: r.id + 1_000_000, owner: forkOwner!, name: forkName!, ownerType: 'User' }), fork: true };
  return { label: `${forkOwner}:${pr.head}`, ref: pr.head, sha, user: fork.owner, repo: fork };
}

/** A pull object: `pull-request-simple` fields, plus stats and merge state when `full`. */
export async function pullObject(state: EmulatorState, r: RepoRecord, pr: PullRecord, full: boolean) {
  const u = state.urls;
  const api = `${u.api}/repos/${r.owner}/${r.name}`;
  const html = `${u.web}/${r.owner}/${r.name}/pull/${pr.number}`;
  const { head, base } = await pullShas(state, pr);
  const repo = repository(u, r);
  const owner = simpleUser(u, r.owner, r.ownerType);
  const perm = state.permissions.get(`${r.owner}/${r.name}:${pr.user}`.toLowerCase());
  const out: Record<string, unknown> = {
    url: `${api}/pulls/${pr.number}`,
    id: pr.id,
    node_id: nodeId('PR_', pr.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pr.number}`,
    commits_url: `${api}/pulls/${pr.number}/commits`,
    review_comments_url: `${api}/pulls/${pr.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pr.number}/comments`,
    statuses_url: `${api}/statuses/${head}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: simpleUser(u, pr.user),
    body: pr.body,
    labels: pr.labels.map((l) => labelObject(state, r, l)),
    milestone: null,
    active_lock_reason: null,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.closedAt,
    merged_at: pr.mergedAt,
    merge_commit_sha: pr.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: headOf(state, r, pr, head, repo, owner),
    base: { label: `${r.owner}:${pr.base}`, ref: pr.base, sha: base, user: owner, repo },
    _links: {
      self: { href: `${api}/pulls/${pr.number}` },
      html: { href: html },
      issue: { href: `${api}/issues/${pr.number}` },
      comments: { href: `${api}/issues/${pr.number}/comments` },
      review_comments: { href: `${api}/pulls/${pr.number}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${api}/pulls/${pr.number}/commits` },
      statuses: { href: `${api}/statuses/${head}` },
    },
    author_association: pr.user.toLowerCase() === r.owner.toLowerCase() ? 'OWNER' : perm && perm !== 'none' && perm !== 'read' ? 'COLLABORATOR' : 'CONTRIBUTOR',
    auto_merge: null,
    draft: pr.draft,
  };
  if (full) {
    const mb = (await mergeBase(r.dir, base, head)) ?? base;
    const files = await diffFiles(r.dir, mb, head);
    const commits = await commitsBetween(r.dir, mb, head);
    Object.assign(out, {
      merged: pr.merged,
      mergeable: pr.state === 'open' ? true : null,
      rebaseable: pr.state === 'open' ? true : null,
      mergeable_state: pr.state === 'open' ? 'clean' : 'unknown',
      merged_by: pr.merged ? simpleUser(u, pr.mergedBy ?? pr.user) : null,
      comments: state.comments.filter((c) => c.repoKey === pr.repoKey && c.issueNumber === pr.number).length,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: commits.length,
      additions: files.reduce((n, f) => n + f.additions, 0),
      deletions: files.reduce((n, f) => n + f.deletions, 0),
      changed_files: files.length,
    });
  }
  return out;
}

function pullOf(ctx: Ctx): { r: RepoRecord; pr: PullRecord } {
  const r = repoOf(ctx);
  const pr = ctx.state.pull(r.owner, r.name, Number(ctx.params.pull_number));
  if (!pr) throw notFound();
  return { r, pr };
}

export const pullHandlers: Record<string, Handler> = {
  'pulls/get': async (ctx) => {
    const { r, pr } = pullOf(ctx);
    return { status: 200, body: await pullObject(ctx.state, r, pr, true) };
  },

  'pulls/list': async (ctx) => {
    const r = repoOf(ctx);
    const state = String(ctx.query.state ?? 'open');
    const head = ctx.query.head ? String(ctx.query.head).replace(/^[^:]+:/, '') : undefined;
    const list = [...ctx.state.pulls.values()]
      .filter((p) => p.repoKey === `${r.owner}/${r.name}`.toLowerCase())
      .filter((p) => state === 'all' || p.state === state)
      .filter((p) => !head || p.head === head)
      .filter((p) => !ctx.query.base || p.base === ctx.query.base)
      .sort((a, b) => (ctx.query.direction === 'asc' ? a.number - b.number : b.number - a.number));
    const page = paginate(ctx, list);
    page.body = await Promise.all((page.body as PullRecord[]).map((p) => pullObject(ctx.state, r, p, false)));
    return page;
  },

  'pulls/list-files': async (ctx) => {
    const { r, pr } = pullOf(ctx);
    const { head, base } = await pullShas(ctx.state, pr);
    const mb = (await mergeBase(r.dir, base, head)) ?? base;
    const files = (await diffFiles(r.dir, mb, head)).slice(0, 3000);
    const page = paginate(ctx, files);
    page.body = (page.body as typeof files).map((f) => diffEntry(ctx.state.urls, r.owner, r.name, head, f));
    return page;
  },

  'pulls/list-commits': async (ctx) => {
    const { r, pr } = pullOf(ctx);
    const { head, base } = await pullShas(ctx.state, pr);
    const mb = (await mergeBase(r.dir, base, head)) ?? base;
    const shas = await commitsBetween(r.dir, mb, head);
    const page = paginate(ctx, shas);
    page.body = await Promise.all((page.body as string[]).map(async (s) => commitObject(ctx.state.urls, r.owner, r.name, await commitInfo(r.dir, s))));
    return page;
  },

  'repos/list-pull-requests-associated-with-commit': async (ctx) => {
    const r = repoOf(ctx);
    const sha = await commitOf(r, String(ctx.params.commit_sha), 'no_commit');
    const found: PullRecord[] = [];
    for (const pr of ctx.state.pulls.values()) {
      if (pr.repoKey !== `${r.owner}/${r.name}`.toLowerCase()) continue;
      if (pr.mergeCommitSha === sha) {
        found.push(pr);
        continue;
      }
      const { head, base } = await pullShas(ctx.state, pr);
      const mb = (await mergeBase(r.dir, base, head)) ?? base;
      if (head === sha || (await commitsBetween(r.dir, mb, head)).includes(sha)) found.push(pr);
    }
    found.sort((a, b) => b.number - a.number);
    const page = paginate(ctx, found);
    page.body = await Promise.all((page.body as PullRecord[]).map((p) => pullObject(ctx.state, r, p, false)));
    return page;
  },
};
