// Repository reads served from git: repo, contents, tarball, commits, compare, trees, collaborator permission.
import type { Ctx, Handler } from '../context.ts';
import { GitHubHttpError, notFound } from '../http-error.ts';
import { commitInfo, commitsBetween, diffFiles, entryAt, listTree, mergeBase, readBlob, resolveTree, archiveTarGz, resolveCommit } from '../git.ts';
import { base64Lines, commitObject, contentLinks, diffEntry, fullRepository, simpleUser } from '../objects.ts';
import type { FileChange } from '../git.ts';
import { commitOf, repoOf } from './common.ts';

const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

function wantsRaw(ctx: Ctx): boolean {
  return /application\/vnd\.github(\.v3)?\.raw/.test(String(ctx.headers.accept ?? ''));
}

export const repoHandlers: Record<string, Handler> = {
  'repos/get': (ctx) => {
    const r = repoOf(ctx);
    const open = [...ctx.state.issues.values(), ...ctx.state.pulls.values()].filter((i) => i.repoKey === `${r.owner}/${r.name}`.toLowerCase() && i.state === 'open').length;
    return { status: 200, body: fullRepository(ctx.state.urls, r, { openIssues: open }) };
  },

  'repos/get-content': async (ctx) => {
    const r = repoOf(ctx);
    const ref = ctx.query.ref ? String(ctx.query.ref) : r.defaultBranch;
    const sha = await commitOf(r, ref);
    const path = String(ctx.params.path ?? '').replace(/^\/+|\/+$/g, '');
    const entry = await entryAt(r.dir, sha, path);
    if (!entry) throw notFound();
    const u = ctx.state.urls;
    if (entry.type === 'blob') {
      const data = await readBlob(r.dir, entry.sha);
      if (wantsRaw(ctx)) return { status: 200, raw: data, contentType: 'application/vnd.github.raw; charset=utf-8' };
      if (data.length > 100 * 1024 * 1024) throw new GitHubHttpError(403, 'This API returns blobs up to 100 MB in size.');
      const name = path.split('/').pop()!;
      return {
        status: 200,
        body: {
          type: 'file',
          encoding: data.length > 1024 * 1024 ? 'none' : 'base64',
          size: data.length,
          name,
          path,
          content: data.length > 1024 * 1024 ? '' : base64Lines(data),
          sha: entry.sha,
          ...contentLinks(u, r.owner, r.name, ref, path, 'file', entry.sha),
        },
      };
    }
    if (entry.type !== 'tree') throw notFound();
    const children = await listTree(r.dir, entry.sha);
    return {
      status: 200,
      body: children.map((c) => {
        const childPath = path ? `${path}/${c.path}` : c.path;
        const type = c.type === 'tree' ? 'dir' : c.type === 'commit' ? 'submodule' : c.mode === '120000' ? 'symlink' : 'file';
        return { type, size: c.size ?? 0, name: c.path, path: childPath, sha: c.sha, ...contentLinks(u, r.owner, r.name, ref, childPath, type === 'dir' ? 'dir' : 'file', c.sha) };
      }),
    };
  },

  'repos/download-tarball-archive': async (ctx) => {
    const r = repoOf(ctx);
    const sha = await commitOf(r, String(ctx.params.ref ?? r.defaultBranch));
    // Like GitHub: a redirect to a short-lived codeload URL on the same host (GHE serves it under /_codeload).
    const token = ctx.state.issueToken(r.installationId, 5 * 60_000).token;
    return { status: 302, headers: { location: `${ctx.state.urls.web}/_codeload/${r.owner}/${r.name}/legacy.tar.gz/${sha}?token=${token}` } };
  },

  'repos/get-commit': async (ctx) => {
    const r = repoOf(ctx);
    const sha = await commitOf(r, String(ctx.params.ref), 'no_commit');
    if (/application\/vnd\.github(\.v3)?\.sha/.test(String(ctx.headers.accept ?? ''))) return { status: 200, raw: Buffer.from(sha), contentType: 'application/vnd.github.sha; charset=utf-8' };
    const info = await commitInfo(r.dir, sha);
    const files = await diffFiles(r.dir, info.parents[0] ?? EMPTY_TREE, sha);
    return { status: 200, body: commitObject(ctx.state.urls, r.owner, r.name, info, files) };
  },

  'repos/compare-commits-with-basehead': async (ctx) => {
    const r = repoOf(ctx);
    const basehead = String(ctx.params.basehead);
    const sep = basehead.includes('...') ? '...' : '..';
    const [baseRef, headRef] = basehead.split(sep, 2).map((s) => s.replace(/^[^:]+:/, ''));
    if (!baseRef || !headRef) throw notFound();
    const base = await commitOf(r, baseRef);
    const head = await commitOf(r, headRef);
    const mb = await mergeBase(r.dir, base, head);
    if (!mb) throw new GitHubHttpError(404, `No common ancestor between ${baseRef} and ${headRef}.`);
    const ahead = await commitsBetween(r.dir, mb, head);
    const behind = await commitsBetween(r.dir, mb, base);
    const status = ahead.length === 0 && behind.length === 0 ? 'identical' : behind.length === 0 ? 'ahead' : ahead.length === 0 ? 'behind' : 'diverged';
    const files = await diffFiles(r.dir, mb, head);
    const u = ctx.state.urls;
    const commits = await Promise.all(ahead.slice(0, 250).map(async (s) => commitObject(u, r.owner, r.name, await commitInfo(r.dir, s))));
    const [baseC, mbC] = await Promise.all([commitInfo(r.dir, base), commitInfo(r.dir, mb)]);
    const web = `${u.web}/${r.owner}/${r.name}/compare/${baseRef}...${headRef}`;
    return {
      status: 200,
      body: {
        url: `${u.api}/repos/${r.owner}/${r.name}/compare/${baseRef}...${headRef}`,
        html_url: web,
        permalink_url: `${u.web}/${r.owner}/${r.name}/compare/${r.owner}:${base.slice(0, 7)}...${r.owner}:${head.slice(0, 7)}`,
        diff_url: `${web}.diff`,
        patch_url: `${web}.patch`,
        base_commit: commitObject(u, r.owner, r.name, baseC),
        merge_base_commit: commitObject(u, r.owner, r.name, mbC),
        status,
        ahead_by: ahead.length,
        behind_by: behind.length,
        total_commits: ahead.length,
        commits,
        files: files.slice(0, 300).map((f) => ({ ...diffEntryFor(ctx, r.owner, r.name, head, f) })),
      },
    };
  },

  'git/get-tree': async (ctx) => {
    const r = repoOf(ctx);
    const ref = String(ctx.params.tree_sha);
    const tree = (await resolveTree(r.dir, ref)) ?? (await resolveTree(r.dir, `refs/heads/${ref}`));
    if (!tree) throw notFound();
    const recursive = ctx.query.recursive !== undefined;
    const entries = await listTree(r.dir, tree, { recursive });
    const api = `${ctx.state.urls.api}/repos/${r.owner}/${r.name}/git`;
    return {
      status: 200,
      body: {
        sha: tree,
        url: `${api}/trees/${tree}`,
        tree: entries.map((e) => ({
          path: e.path,
          mode: e.mode,
          type: e.type,
          sha: e.sha,
          ...(e.type === 'blob' ? { size: e.size ?? 0, url: `${api}/blobs/${e.sha}` } : e.type === 'tree' ? { url: `${api}/trees/${e.sha}` } : {}),
        })),
        truncated: false,
      },
    };
  },

  'repos/get-branch': async (ctx) => {
    const r = repoOf(ctx);
    const name = String(ctx.params.branch);
    const sha = await resolveCommit(r.dir, `refs/heads/${name}`);
    if (!sha) throw new GitHubHttpError(404, 'Branch not found');
    const u = ctx.state.urls;
    const c = commitObject(u, r.owner, r.name, await commitInfo(r.dir, sha));
    return {
      status: 200,
      body: {
        name,
        commit: c,
        _links: { html: `${u.web}/${r.owner}/${r.name}/tree/${name}`, self: `${u.api}/repos/${r.owner}/${r.name}/branches/${name}` },
        protected: false,
        protection: { enabled: false, required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } },
        protection_url: `${u.api}/repos/${r.owner}/${r.name}/branches/${name}/protection`,
      },
    };
  },

  'repos/get-collaborator-permission-level': (ctx) => {
    const r = repoOf(ctx);
    const login = String(ctx.params.username);
    const role = ctx.state.permissions.get(`${r.owner}/${r.name}:${login}`.toLowerCase()) ?? 'none';
    // `permission` is the legacy four-level value; role_name carries the exact role.
    const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
    const user = { ...simpleUser(ctx.state.urls, login), role_name: role, permissions: perms(role) };
    return { status: 200, body: { permission, role_name: role, user } };
  },
};

function perms(role: string) {
  const order = ['none', 'read', 'triage', 'write', 'maintain', 'admin'];
  const at = order.indexOf(role);
  return { pull: at >= 1, triage: at >= 2, push: at >= 3, maintain: at >= 4, admin: at >= 5 };
}

function diffEntryFor(ctx: Ctx, owner: string, repo: string, ref: string, f: FileChange) {
  return diffEntry(ctx.state.urls, owner, repo, ref, f);
}

/** The codeload download the tarball redirect points at (outside the REST API: no OpenAPI operation). */
export async function codeload(ctx: { state: Ctx['state'] }, owner: string, repo: string, ref: string, token: string | null): Promise<{ status: number; raw: Buffer; headers: Record<string, string> }> {
  const r = ctx.state.repo(owner, repo);
  const t = token ? ctx.state.tokens.get(token) : undefined;
  if (!r || !t || t.installationId !== r.installationId || t.expiresAt < Date.now()) return { status: 404, raw: Buffer.from('404: Not Found'), headers: { 'content-type': 'text/plain; charset=utf-8' } };
  const sha = await resolveCommit(r.dir, ref);
  if (!sha) return { status: 404, raw: Buffer.from('404: Not Found'), headers: { 'content-type': 'text/plain; charset=utf-8' } };
  const prefix = `${r.owner}-${r.name}-${sha.slice(0, 7)}`;
  const raw = await archiveTarGz(r.dir, sha, prefix);
  return { status: 200, raw, headers: { 'content-type': 'application/x-gzip', 'content-disposition': `attachment; filename=${prefix}.tar.gz`, etag: `"${sha}"` } };
}
