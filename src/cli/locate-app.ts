// Turns a path typed on the command line into (repository root, path inside it). The root is the
// enclosing git checkout, so `kustomize/overlays/prod` may reference `../../base`; locations printed
// by the CLI are relative to that root (as check-run annotations are).
import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { DriftguardError } from '../core/errors.ts';

export interface AppLocation {
  /** Real path of the repository root. */
  root: string;
  /** Path of the app inside the root ('.' for the root itself), with forward slashes. */
  path: string;
}

function findGitRoot(start: string): string | undefined {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, '.git'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function inside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel));
}

/** Absolute path with the parent directories resolved but the last component kept (it may be a symlink). */
function realParent(abs: string): string {
  const parent = dirname(abs);
  return parent === abs ? abs : join(realpathSync(parent), basename(abs));
}

export function locateApp(pathArg: string, cwd: string, rootOpt?: string): AppLocation {
  const abs = resolve(cwd, pathArg);
  if (!existsSync(abs)) throw new DriftguardError('NOT_FOUND', `${pathArg} does not exist`);
  const absReal = realParent(abs);
  let root: string;
  if (rootOpt) {
    const r = resolve(cwd, rootOpt);
    if (!existsSync(r) || !statSync(r).isDirectory()) throw new DriftguardError('USAGE', `--root ${rootOpt} is not a directory`);
    root = realpathSync(r);
    if (!inside(root, absReal)) throw new DriftguardError('USAGE', `${pathArg} is not inside --root ${rootOpt}`);
  } else {
    const start = statSync(abs).isDirectory() ? realpathSync(abs) : dirname(realpathSync(abs));
    const cwdReal = realpathSync(cwd);
    root = findGitRoot(start) ?? (inside(cwdReal, absReal) ? cwdReal : start);
    if (!inside(root, absReal)) root = start; // a symlinked path argument: render it where it lives
  }
  const rel = relative(root, absReal).split(sep).join('/');
  return { root, path: rel === '' ? '.' : rel };
}

/**
 * Where saved live objects are read from. They need not be in a repository: locations are relative
 * to the cwd when the files are below it, else to the file's directory (or the directory itself).
 */
export function locateLiveFiles(pathArg: string, cwd: string): AppLocation {
  const abs = resolve(cwd, pathArg);
  if (!existsSync(abs)) throw new DriftguardError('NOT_FOUND', `${pathArg} does not exist`);
  const real = realpathSync(abs);
  const cwdReal = realpathSync(cwd);
  const root = inside(cwdReal, real) ? cwdReal : statSync(real).isDirectory() ? real : dirname(real);
  const rel = relative(root, real).split(sep).join('/');
  return { root, path: rel === '' ? '.' : rel };
}
