// Git data API writes (refs, trees, commits) and pull request creation: what the revert PR of
// `/driftguard rollback` needs. Backed by the real git repository, so trees and SHAs are the real thing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Ctx, Handler } from '../context.ts';
import { GitHubHttpError, notFound, validationFailed } from '../http-error.ts';
import { commitInfo, git, resolveCommit, resolveTree } from '../git.ts';
import { nodeId } from '../objects.ts';
import { repoOf } from './common.ts';
import { pullObject } from './pulls.ts';

const SHA = /^[0-9a-f]{40}$/;

function refObject(ctx: Ctx, owner: string, name: string, ref: string, sha: string) {
  const api = `${ctx.state.urls.api}/repos/${owner}/${name}/git`;
  return { ref, node_id: nodeId('REF_', parseInt(sha.slice(0, 8), 16)), url: `${api}/${ref}`, object: { type: 'commit', sha, url: `${api}/commits/${sha}` } };
}

async function gitCommitObject(ctx: Ctx, owner: string, name: string, dir: string, sha: string) {
  const info = await commitInfo(dir, sha);
  const u = ctx.state.urls;
  const api = `${u.api}/repos/${owner}/${name}/git`;
  const c = info;
  return {
    sha, node_id: nodeId('C_', parseInt(sha.slice(0, 8), 16)), url: `${api}/commits/${sha}`, html_url: `${u.web}/${owner}/${name}/commit/${sha}`,
    author: c.author, committer: c.committer, message: c.message,
    tree: { sha: c.tree, url: `${api}/trees/${c.tree}` },
    parents: c.parents.map((p) => ({ sha: p, url: `${api}/commits/${p}`, html_url: `${u.web}/${owner}/${name}/commit/${p}` })),
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  };
}

export const gitDataHandlers: Record<string, Handler> = {
  'git/get-ref': async (ctx) => {
    const r = repoOf(ctx);
    const ref = `refs/${String(ctx.params.ref)}`;
    const sha = await resolveCommit(r.dir, ref);
    if (!sha) throw notFound();
    return { status: 200, body: refObject(ctx, r.owner, r.name, ref, sha) };
  },

  'git/create-ref': async (ctx) => {
    const r = repoOf(ctx);
    const ref = String(ctx.body.ref);
    const sha = String(ctx.body.sha);
    if (!/^refs\/heads\/[^\s~^:?*[\\]+$/.test(ref)) throw new GitHubHttpError(422, 'Reference name is invalid');
    if (!SHA.test(sha) || !(await resolveCommit(r.dir, sha))) throw new GitHubHttpError(422, 'Object does not exist');
    if (await resolveCommit(r.dir, ref)) throw new GitHubHttpError(422, 'Reference already exists');
    await git(r.dir, ['update-ref', ref, sha, '0'.repeat(40)]);
    const obj = refObject(ctx, r.owner, r.name, ref, sha);
    return { status: 201, body: obj, headers: { location: obj.url } };
  },

  'git/update-ref': async (ctx) => {
    const r = repoOf(ctx);
    const ref = `refs/${String(ctx.params.ref)}`;
    const sha = String(ctx.body.sha);
    const cur = await resolveCommit(r.dir, ref);
    if (!cur) throw new GitHubHttpError(422, 'Reference does not exist');
    if (!SHA.test(sha) || !(await resolveCommit(r.dir, sha))) throw new GitHubHttpError(422, 'Object does not exist');
    const ff = (await git(r.dir, ['merge-base', '--is-ancestor', cur, sha]).then(() => true, () => false));
    if (!ff && ctx.body.force !== true) throw new GitHubHttpError(422, 'Update is not a fast forward');
    await git(r.dir, ['update-ref', ref, sha, cur]);
    return { status: 200, body: refObject(ctx, r.owner, r.name, ref, sha) };
  },

  'git/create-tree': async (ctx) => {
    const r = repoOf(ctx);
    const entries = (ctx.body.tree ?? []) as Array<{ path: string; mode: string; type: string; sha?: string | null; content?: string }>;
    const tmp = mkdtempSync(join(tmpdir(), 'driftguard-gittree-'));
    const env = { GIT_INDEX_FILE: join(tmp, 'index') };
    try {
      const base = ctx.body.base_tree ? await resolveTree(r.dir, String(ctx.body.base_tree)) : undefined;
      if (ctx.body.base_tree && !base) throw new GitHubHttpError(422, 'base_tree is not a valid tree oid');
      await git(r.dir, base ? ['read-tree', base] : ['read-tree', '--empty'], { env });
      const lines: string[] = [];
      for (const e of entries) {
        if (/[\n\t]/.test(e.path) || e.path.startsWith('/')) throw validationFailed([{ resource: 'Tree', field: 'path', code: 'invalid' }]);
        if (e.sha === null) {
          // GitHub deletes a file, or a whole directory, given sha null.
          const under = (await git(r.dir, ['ls-files', '--', e.path], { env })).split('\n').filter(Boolean);
          for (const p of under) lines.push(`0 ${'0'.repeat(40)}\t${p}`);
          continue;
        }
        const sha = e.content !== undefined ? (await git(r.dir, ['hash-object', '-w', '--stdin'], { input: e.content })).trim() : String(e.sha);
        if (e.type !== 'blob') throw new GitHubHttpError(422, `tree.type ${e.type} is not supported by the emulator`);
        lines.push(`${e.mode} ${sha}\t${e.path}`);
      }
      if (lines.length) await git(r.dir, ['update-index', '--index-info'], { env, input: lines.join('\n') + '\n' });
      const tree = (await git(r.dir, ['write-tree'], { env })).trim();
      const api = `${ctx.state.urls.api}/repos/${r.owner}/${r.name}/git`;
      return { status: 201, body: { sha: tree, url: `${api}/trees/${tree}`, tree: [], truncated: false } };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },

  'git/get-commit': async (ctx) => {
    const r = repoOf(ctx);
    const sha = String(ctx.params.commit_sha);
    if (!SHA.test(sha) || !(await resolveCommit(r.dir, sha))) throw notFound();
    return { status: 200, body: await gitCommitObject(ctx, r.owner, r.name, r.dir, sha) };
  },

  'git/create-commit': async (ctx) => {
    const r = repoOf(ctx);
    const tree = await resolveTree(r.dir, String(ctx.body.tree));
    if (!tree) throw new GitHubHttpError(422, 'Tree SHA does not exist');
    const parents = (ctx.body.parents ?? []) as string[];
    for (const p of parents) if (!(await resolveCommit(r.dir, p))) throw new GitHubHttpError(422, 'Parent SHA does not exist or is not a commit object');
    const sha = (await git(r.dir, ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p])], { input: String(ctx.body.message ?? '') })).trim();
    return { status: 201, body: await gitCommitObject(ctx, r.owner, r.name, r.dir, sha) };
  },

  'pulls/create': async (ctx) => {
    const r = repoOf(ctx);
    const head = String(ctx.body.head ?? '').replace(/^[^:]+:/, '');
    const base = String(ctx.body.base ?? '');
    for (const [field, ref] of [['head', head], ['base', base]] as const) {
      if (!(await resolveCommit(r.dir, `refs/heads/${ref}`))) throw validationFailed([{ resource: 'PullRequest', field, code: 'invalid' }]);
    }
    const key = `${r.owner}/${r.name}`.toLowerCase();
    if ([...ctx.state.pulls.values()].some((p) => p.repoKey === key && p.state === 'open' && p.head === head && p.base === base)) {
      throw validationFailed([{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${r.owner}:${head}.` }]);
    }
    const pr = await ctx.state.addPullRequest({
      owner: r.owner, repo: r.name, head, base, title: String(ctx.body.title ?? head), body: ctx.body.body ?? null, draft: ctx.body.draft === true,
      user: ctx.auth.kind === 'installation' ? ctx.state.botLogin : 'octocat',
    });
    const obj = await pullObject(ctx.state, r, pr, true);
    return { status: 201, body: obj, headers: { location: String(obj.url) } };
  },
};
