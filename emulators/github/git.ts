// Git plumbing behind the emulator: repositories are real git repositories, so SHAs, trees, compare
// results and tarballs are the real thing. Writes use a private index file, never a working tree.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: 'Driftguard Emulator',
  GIT_AUTHOR_EMAIL: 'emulator@driftguard.dev',
  GIT_COMMITTER_NAME: 'Driftguard Emulator',
  GIT_COMMITTER_EMAIL: 'emulator@driftguard.dev',
};

export class GitError extends Error {
  constructor(message: string, readonly stderr: string) {
    super(message);
    this.name = 'GitError';
  }
}

interface GitOpts {
  input?: string | Buffer;
  env?: Record<string, string>;
}

export function git(dir: string, args: string[], opts?: GitOpts & { buffer?: false }): Promise<string>;
export function git(dir: string, args: string[], opts: GitOpts & { buffer: true }): Promise<Buffer>;
export function git(dir: string, args: string[], opts: GitOpts & { buffer?: boolean } = {}): Promise<string | Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      ['-C', dir, ...args],
      { env: { ...process.env, ...GIT_ENV, ...opts.env }, encoding: 'buffer', maxBuffer: 512 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new GitError(`git ${args[0]} failed: ${stderr.toString().trim() || err.message}`, stderr.toString()));
        else resolve(opts.buffer ? stdout : stdout.toString('utf8'));
      },
    );
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}

const SAFE_REF = /^(?!-)[^\s~^:?*[\\]+$/;

// Commits git has confirmed, per repository: a commit never changes, so a full SHA (or a loose branch ref
// holding one) resolves without spawning git. Spawning is the emulator's main cost: fork() of a large
// test process blocks its event loop, and every pull request object resolves its head and base.
const knownCommits = new Map<string, Set<string>>();
const FULL_SHA = /^[0-9a-f]{40}$/;

function cachedCommit(dir: string, ref: string): string | undefined {
  const known = knownCommits.get(dir);
  if (!known) return undefined;
  if (FULL_SHA.test(ref)) return known.has(ref) ? ref : undefined;
  if (!ref.startsWith('refs/heads/')) return undefined;
  // A loose ref is a file holding the SHA (git writes it through a lock file and a rename).
  let sha: string;
  try {
    sha = readFileSync(join(dir, ref), 'utf8').trim();
  } catch {
    return undefined;
  }
  return known.has(sha) ? sha : undefined;
}

/** Forgets what resolveCommit learnt about a repository directory (before it is removed). */
export function forgetRepository(dir: string): void {
  knownCommits.delete(dir);
}

/** The commit SHA a branch, tag, `refs/...` name or (short) SHA names; undefined when it names nothing. */
export async function resolveCommit(dir: string, ref: string): Promise<string | undefined> {
  if (!SAFE_REF.test(ref)) return undefined;
  const cached = cachedCommit(dir, ref);
  if (cached) return cached;
  try {
    const sha = (await git(dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim() || undefined;
    if (sha) {
      let known = knownCommits.get(dir);
      if (!known) knownCommits.set(dir, (known = new Set()));
      known.add(sha);
    }
    return sha;
  } catch {
    return undefined;
  }
}

export async function resolveTree(dir: string, ref: string): Promise<string | undefined> {
  if (!SAFE_REF.test(ref)) return undefined;
  try {
    return (await git(dir, ['rev-parse', '--verify', '--quiet', `${ref}^{tree}`])).trim() || undefined;
  } catch {
    return undefined;
  }
}

export interface TreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  size?: number;
  path: string;
}

/** Entries of a tree (optionally recursive, trees included), from `git ls-tree -l -z`. */
export async function listTree(dir: string, treeish: string, opts: { recursive?: boolean; path?: string } = {}): Promise<TreeEntry[]> {
  const args = ['ls-tree', '-l', '-z', '--full-tree'];
  if (opts.recursive) args.push('-r', '-t');
  args.push(treeish);
  if (opts.path !== undefined) args.push('--', opts.path);
  const out = await git(dir, args);
  return out
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode, type, sha, size] = line.slice(0, tab).split(/\s+/);
      return { mode, type: type as TreeEntry['type'], sha, size: size === '-' ? undefined : Number(size), path: line.slice(tab + 1) };
    });
}

/** The entry at `path` in a commit (`''` is the root tree). */
export async function entryAt(dir: string, commit: string, path: string): Promise<TreeEntry | undefined> {
  if (path === '') {
    const sha = await resolveTree(dir, commit);
    return sha ? { mode: '040000', type: 'tree', sha, path: '' } : undefined;
  }
  const found = await listTree(dir, commit, { path });
  return found.find((e) => e.path === path);
}

export function readBlob(dir: string, sha: string): Promise<Buffer> {
  return git(dir, ['cat-file', 'blob', sha], { buffer: true });
}

export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  author: { name: string; email: string; date: string };
  committer: { name: string; email: string; date: string };
  message: string;
}

export async function commitInfo(dir: string, sha: string): Promise<CommitInfo> {
  const out = await git(dir, ['show', '-s', '--format=%H%x00%T%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B', sha]);
  const [h, t, p, an, ae, ad, cn, ce, cd, ...msg] = out.split('\0');
  const iso = (d: string) => new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    sha: h,
    tree: t,
    parents: p.split(' ').filter(Boolean),
    author: { name: an, email: ae, date: iso(ad) },
    committer: { name: cn, email: ce, date: iso(cd) },
    message: msg.join('\0').replace(/\n+$/, ''),
  };
}

export interface FileChange {
  filename: string;
  previous_filename?: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  additions: number;
  deletions: number;
  changes: number;
  sha: string;
  patch?: string;
}

const STATUS: Record<string, FileChange['status']> = { A: 'added', D: 'removed', M: 'modified', R: 'renamed', C: 'copied', T: 'changed' };

/** Files changed between two commits, as GitHub's compare reports them (rename detection on, hunks only in `patch`). */
export async function diffFiles(dir: string, base: string, head: string): Promise<FileChange[]> {
  const raw = (await git(dir, ['diff', '--raw', '--no-abbrev', '-z', '-M', base, head])).split('\0');
  const files: FileChange[] = [];
  for (let i = 0; i < raw.length - 1; ) {
    const meta = raw[i++];
    if (!meta.startsWith(':')) continue;
    const [, , , newSha, status] = meta.slice(1).split(' ');
    const code = status[0];
    const f: FileChange = { filename: '', status: STATUS[code] ?? 'modified', additions: 0, deletions: 0, changes: 0, sha: newSha };
    if (code === 'R' || code === 'C') {
      f.previous_filename = raw[i++];
      f.filename = raw[i++];
    } else f.filename = raw[i++];
    if (code === 'D') f.sha = meta.slice(1).split(' ')[2];
    files.push(f);
  }
  const numstat = (await git(dir, ['diff', '--numstat', '-z', '-M', base, head])).split('\0');
  for (let i = 0, k = 0; i < numstat.length - 1 && k < files.length; k++) {
    const [a, d, path] = numstat[i++].split('\t');
    if (path === '') i += 2; // rename: old\0new\0 follow
    const binary = a === '-';
    files[k].additions = binary ? 0 : Number(a);
    files[k].deletions = binary ? 0 : Number(d);
    files[k].changes = files[k].additions + files[k].deletions;
  }
  const patch = await git(dir, ['diff', '--no-color', '--no-ext-diff', '-M', '-U3', base, head]);
  const chunks = patch.split(/^diff --git /m).slice(1);
  chunks.forEach((chunk, k) => {
    const at = chunk.search(/^@@/m);
    if (files[k] && at >= 0) files[k].patch = chunk.slice(at).replace(/\n$/, '');
  });
  return files;
}

export async function mergeBase(dir: string, a: string, b: string): Promise<string | undefined> {
  try {
    return (await git(dir, ['merge-base', a, b])).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Commits reachable from `head` and not from `base`, oldest first. */
export async function commitsBetween(dir: string, base: string, head: string): Promise<string[]> {
  return (await git(dir, ['rev-list', '--reverse', `${base}..${head}`])).split('\n').filter(Boolean);
}

export async function isAncestor(dir: string, ancestor: string, of: string): Promise<boolean> {
  try {
    await git(dir, ['merge-base', '--is-ancestor', ancestor, of]);
    return true;
  } catch {
    return false;
  }
}

export async function branches(dir: string): Promise<Map<string, string>> {
  const out = await git(dir, ['for-each-ref', 'refs/heads', '--format=%(refname:short) %(objectname)']);
  return new Map(out.split('\n').filter(Boolean).map((l) => l.split(' ') as [string, string]));
}

/** `git archive` as gzip tar with GitHub's top folder. */
export function archiveTarGz(dir: string, sha: string, prefix: string): Promise<Buffer> {
  return git(dir, ['archive', '--format=tar.gz', `--prefix=${prefix}/`, sha], { buffer: true });
}

/** Path → content; null deletes; `{symlink}` writes a symbolic link (git mode 120000) to that target. */
export type FileMap = Record<string, string | Buffer | null | { symlink: string }>;

export interface CommitOptions {
  branch: string;
  files: FileMap;
  message?: string;
  /** Start a branch from this ref when it does not exist yet (default: no parent, or the default branch). */
  from?: string;
  /** Replace the whole tree instead of editing the parent's. */
  replace?: boolean;
  author?: { name: string; email: string };
  date?: string;
}

let commitCount = 0;

/** Writes a commit on `branch` with the given file contents (null deletes) and returns its SHA. */
export async function commitFiles(dir: string, opts: CommitOptions): Promise<string> {
  const tmp = mkdtempSync(join(tmpdir(), 'driftguard-gitidx-'));
  const env: Record<string, string> = { GIT_INDEX_FILE: join(tmp, 'index') };
  if (opts.author) Object.assign(env, { GIT_AUTHOR_NAME: opts.author.name, GIT_AUTHOR_EMAIL: opts.author.email });
  if (opts.date) Object.assign(env, { GIT_AUTHOR_DATE: opts.date, GIT_COMMITTER_DATE: opts.date });
  try {
    const parent = (await resolveCommit(dir, `refs/heads/${opts.branch}`)) ?? (opts.from ? await resolveCommit(dir, opts.from) : undefined);
    if (parent && !opts.replace) await git(dir, ['read-tree', parent], { env });
    else await git(dir, ['read-tree', '--empty'], { env });
    // --index-info works without a work tree (bare repositories); mode 0 removes a path.
    const lines: string[] = [];
    for (const [path, content] of Object.entries(opts.files)) {
      if (/[\n\t]/.test(path)) throw new GitError(`invalid path ${JSON.stringify(path)}`, '');
      if (content === null) lines.push(`0 ${'0'.repeat(40)}\t${path}`);
      else if (typeof content === 'object' && 'symlink' in content) lines.push(`120000 ${(await git(dir, ['hash-object', '-w', '--stdin'], { input: content.symlink })).trim()}\t${path}`);
      else lines.push(`100644 ${(await git(dir, ['hash-object', '-w', '--stdin'], { input: content })).trim()}\t${path}`);
    }
    if (lines.length) await git(dir, ['update-index', '--index-info'], { env, input: lines.join('\n') + '\n' });
    const tree = (await git(dir, ['write-tree'], { env })).trim();
    const args = ['commit-tree', tree, ...(parent ? ['-p', parent] : [])];
    // Without a message of the caller's, each commit gets a distinct one: tests commit the same files on
    // the same parent within one second (a PR branch, then its "merge" to main), which git makes one SHA.
    const sha = (await git(dir, args, { env, input: opts.message ?? `Update ${Object.keys(opts.files).join(', ')}\n\nEmulator commit ${++commitCount}` })).trim();
    await git(dir, ['update-ref', `refs/heads/${opts.branch}`, sha]);
    return sha;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Merges `head` into branch `base` like GitHub's merge button (merge commit, or squash) and returns the new SHA. */
export async function mergeInto(dir: string, base: string, head: string, opts: { message: string; squash?: boolean }): Promise<string> {
  const baseSha = await resolveCommit(dir, `refs/heads/${base}`);
  const headSha = await resolveCommit(dir, head);
  if (!baseSha || !headSha) throw new GitError(`cannot merge ${head} into ${base}: unknown ref`, '');
  const tree = (await git(dir, ['merge-tree', '--write-tree', baseSha, headSha])).split('\n')[0].trim();
  const parents = opts.squash ? ['-p', baseSha] : ['-p', baseSha, '-p', headSha];
  const sha = (await git(dir, ['commit-tree', tree, ...parents], { input: opts.message })).trim();
  await git(dir, ['update-ref', `refs/heads/${base}`, sha, baseSha]);
  return sha;
}

/** A new bare repository (tests, demo); every commit is a real git commit. */
export async function initBareRepo(defaultBranch = 'main'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'driftguard-gitrepo-'));
  await git(dir, ['init', '-q', '--bare', `--initial-branch=${defaultBranch}`]);
  return dir;
}

/** All files under a plain directory, as a FileMap (for serving a directory that is not a git repository). */
export function readDirectoryFiles(root: string): FileMap {
  const out: FileMap = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === '.git') continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(root, p).split('\\').join('/')] = readFileSync(p);
    }
  };
  walk(root);
  return out;
}

export async function isGitRepo(dir: string): Promise<boolean> {
  try {
    await git(dir, ['rev-parse', '--git-dir']);
    return true;
  } catch {
    return false;
  }
}
