// Extract a GitHub tarball (GET /repos/{owner}/{repo}/tarball/{ref}) into a directory.
// Why the tarball and not the contents API: one request for the whole tree at an exact SHA, which
// kustomize/helm need anyway (bases, charts, value files); the contents API is one call per file.
// Only regular files and directories are written: symlinks and hard links in a repository could
// point outside the checkout (e.g. at the worker's kubeconfig), and renderers would follow them.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mkdirSync } from 'node:fs';
import { x as extract } from 'tar';
import { DriftguardError } from '../core/errors.ts';

export const MAX_TARBALL_BYTES = 512 * 1024 * 1024;

export interface ExtractResult {
  files: number;
  /** Links that were skipped (repo-relative paths). */
  skipped: string[];
}

export async function extractTarball(data: Uint8Array, dir: string): Promise<ExtractResult> {
  if (data.byteLength > MAX_TARBALL_BYTES) {
    throw new DriftguardError('YAML_LIMIT', `repository archive is ${data.byteLength} bytes, more than the ${MAX_TARBALL_BYTES} allowed`);
  }
  mkdirSync(dir, { recursive: true });
  const result: ExtractResult = { files: 0, skipped: [] };
  await pipeline(
    Readable.from([Buffer.from(data.buffer, data.byteOffset, data.byteLength)]),
    extract({
      cwd: dir,
      strip: 1, // GitHub wraps the tree in `<owner>-<repo>-<sha7>/`
      preservePaths: false,
      preserveOwner: false,
      noMtime: true,
      filter: (path, entry) => {
        const type = 'type' in entry ? entry.type : undefined;
        if (type === 'File' || type === 'OldFile' || type === 'ContiguousFile') {
          result.files++;
          return true;
        }
        if (type === 'Directory') return true;
        if (type === 'SymbolicLink' || type === 'Link') result.skipped.push(path.split('/').slice(1).join('/'));
        return false;
      },
    }),
  );
  return result;
}
