// Keeps rendering inside the repository: app paths may not climb out of the root, and no symlink in
// the rendered tree may point outside it (a chart could otherwise read /etc/passwd via .Files.Get).
// realpathSync.native everywhere: the JS realpathSync folds `..` in a link target lexically, so a link
// to `a/up/..` (where `a/up` links to the parent) looks inside when the kernel resolves it outside.
import { lstatSync, readdirSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DriftguardError } from '../core/errors.ts';

export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Repo-relative path with forward slashes ('' → '.'). */
export function repoPath(rootReal: string, abs: string): string {
  const rel = relative(rootReal, abs);
  return rel === '' ? '.' : rel.split(sep).join('/');
}

/** Real path of the root (must be a directory that exists). */
export function realRoot(root: string): string {
  try {
    return realpathSync.native(resolve(root));
  } catch {
    throw new DriftguardError('NOT_FOUND', `repository root ${root} does not exist`);
  }
}

/** Resolves `path` (relative to the root) and refuses anything that ends up outside the root. */
export function resolveInRoot(rootReal: string, path: string): string {
  if (isAbsolute(path)) {
    throw new DriftguardError('USAGE', `path ${path} must be relative to the repository root`);
  }
  const abs = resolve(rootReal, path);
  if (!isInside(rootReal, abs)) {
    throw new DriftguardError('USAGE', `path ${path} escapes the repository root`);
  }
  let real: string;
  try {
    real = realpathSync.native(abs);
  } catch {
    throw new DriftguardError('NOT_FOUND', `path ${path} does not exist`);
  }
  if (!isInside(rootReal, real)) {
    throw new DriftguardError('USAGE', `path ${path} resolves through a symlink to outside the repository root`);
  }
  return real;
}

/** Throws when any symlink under `dir` (hidden files included: helm loads them; .git skipped) resolves outside the root. */
export function assertNoEscapingSymlinks(rootReal: string, dir: string): void {
  const walk = (d: string) => {
    for (const ent of readdirSync(d, { withFileTypes: true })) {
      if (ent.name === '.git') continue;
      const p = join(d, ent.name);
      if (ent.isSymbolicLink()) {
        let target: string;
        try {
          target = realpathSync.native(p);
        } catch {
          continue; // dangling link: the tool reports it if it matters
        }
        if (!isInside(rootReal, target)) {
          throw new DriftguardError('RENDER_FAILED', `symlink points outside the repository root`, {
            location: { file: repoPath(rootReal, p), line: 1 },
          });
        }
        if (lstatSync(target).isDirectory() && !isInside(target, d)) walk(target);
      } else if (ent.isDirectory()) {
        walk(p);
      }
    }
  };
  walk(dir);
}
