// The revert PR of `/driftguard rollback`: a branch from the target branch's head with one commit whose
// tree restores the app's source paths (directories or files) to their content at the rollback target,
// through the git data API (no clone). Idempotent: the branch name is fixed per rollback job, so a
// retried job finds its PR (or its branch) instead of opening a second one.
import { DriftguardError } from '../core/errors.ts';
import { statusOf, type RepoClient } from './client.ts';

export interface RevertPrInput {
  /** The target branch (base of the PR). */
  base: string;
  /** The revision whose content the paths get back. */
  target: string;
  /** Repository paths (directories or files) restored. */
  paths: string[];
  /** The PR's head branch, fixed per rollback job. */
  branch: string;
  title: string;
  body: string;
}

export type RevertPrResult =
  | { kind: 'opened' | 'existing'; number: number; url: string; changed: number }
  /** Git at the branch head already has the target's content for every path. */
  | { kind: 'no-change' };

interface TreeEntry {
  path: string;
  mode: string;
  type: string;
  sha: string;
}

export async function openRevertPr(gh: RepoClient, input: RevertPrInput): Promise<RevertPrResult> {
  const o = gh.octokit.rest;
  const r = { owner: gh.owner, repo: gh.repo };
  const existing = (await o.pulls.list({ ...r, head: `${gh.owner}:${input.branch}`, state: 'all', per_page: 10 })).data[0];
  if (existing) return { kind: 'existing', number: existing.number, url: existing.html_url, changed: 0 };
  const head = await o.git.getRef({ ...r, ref: `heads/${input.base}` }).then(
    (x) => x.data.object.sha,
    (e: unknown) => {
      if (statusOf(e) === 404) throw new DriftguardError('NOT_FOUND', `the target branch ${input.base} does not exist any more`);
      throw e;
    },
  );
  const [headTree, targetTree] = await Promise.all([treeOf(gh, head), treeOf(gh, input.target)]);
  const under = (p: string, root: string) => p === root || p.startsWith(`${root}/`);
  const inPaths = (p: string) => input.paths.some((root) => under(p, root));
  const now = new Map(headTree.filter((e) => inPaths(e.path)).map((e) => [e.path, e]));
  const then = new Map(targetTree.filter((e) => inPaths(e.path)).map((e) => [e.path, e]));
  const changes: Array<{ path: string; mode: '100644' | '100755' | '120000'; type: 'blob'; sha: string | null }> = [];
  for (const [path, e] of then) {
    const cur = now.get(path);
    if (!cur || cur.sha !== e.sha || cur.mode !== e.mode) changes.push({ path, mode: e.mode as '100644', type: 'blob', sha: e.sha });
  }
  for (const [path, e] of now) if (!then.has(path)) changes.push({ path, mode: e.mode as '100644', type: 'blob', sha: null });
  if (changes.length === 0) return { kind: 'no-change' };
  const baseTree = (await o.git.getCommit({ ...r, commit_sha: head })).data.tree.sha;
  const tree = (await o.git.createTree({ ...r, base_tree: baseTree, tree: changes })).data.sha;
  const commit = (await o.git.createCommit({ ...r, message: `${input.title}\n\n${input.body}`, tree, parents: [head] })).data.sha;
  // A killed earlier attempt may have created the branch but not the PR: point it at this commit.
  await o.git.createRef({ ...r, ref: `refs/heads/${input.branch}`, sha: commit }).catch(async (e: unknown) => {
    if (statusOf(e) !== 422) throw e;
    await o.git.updateRef({ ...r, ref: `heads/${input.branch}`, sha: commit, force: true });
  });
  const pr = (await o.pulls.create({ ...r, head: input.branch, base: input.base, title: input.title, body: input.body })).data;
  return { kind: 'opened', number: pr.number, url: pr.html_url, changed: changes.length };
}

/** Every blob of a commit's tree (symlinks included; submodules are not restored). */
async function treeOf(gh: RepoClient, commit: string): Promise<TreeEntry[]> {
  const o = gh.octokit.rest;
  const r = { owner: gh.owner, repo: gh.repo };
  const treeSha = (await o.git.getCommit({ ...r, commit_sha: commit })).data.tree.sha;
  const { data } = await o.git.getTree({ ...r, tree_sha: treeSha, recursive: 'true' });
  if (data.truncated) throw new DriftguardError('CHECKOUT_REFUSED', `the repository tree at ${commit.slice(0, 7)} is too large for one API answer; revert by hand with the git commands`);
  return data.tree.filter((e) => e.type === 'blob' && e.path && e.sha && e.mode).map((e) => ({ path: e.path!, mode: e.mode!, type: 'blob', sha: e.sha! }));
}
