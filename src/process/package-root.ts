// The checkout's (or installed package's) root: the nearest directory above this module holding a
// package.json. Found by walking up, not by a fixed '../..', because the same module runs from src/ (tsx)
// and from dist/src/ (the compiled CLI and image), and dist/ has no package.json of its own.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DriftguardError } from '../core/errors.ts';

export function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new DriftguardError('NOT_FOUND', `no package.json in ${from} or above: is the Driftguard install complete?`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
