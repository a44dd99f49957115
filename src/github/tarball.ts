// Extract a GitHub tarball (GET /repos/{owner}/{repo}/tarball/{ref}) into a directory.
// Why the tarball and not the contents API: one request for the whole tree at an exact SHA, which
// kustomize/helm need anyway (bases, charts, value files); the contents API is one call per file.
// The checkout is faithful or refused: it must hold exactly the files a `git clone` holds, because
// a sync prunes whatever the render of the checkout lacks. Symlinks inside the repository are kept
// (renderers follow them as they do on a clone); a link leaving the repository, and any entry git
// never produces (hard links, devices, fifos, names that escape) or that is over a bound, is an
// error at its path — never a silent skip.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { x as extract } from 'tar';
import { DriftguardError } from '../core/errors.ts';
import { isInside } from '../render/paths.ts';

export const MAX_TARBALL_BYTES = 512 * 1024 * 1024;
/** Bound on the unpacked size (a small archive can expand a lot). */
export const MAX_EXTRACTED_BYTES = 2 * 1024 * 1024 * 1024;
export const MAX_ENTRIES = 200_000;

export interface ExtractResult {
  files: number;
  /** Symlinks kept (repo-relative paths); each resolves inside the checkout or dangles. */
  symlinks: string[];
  /** Bytes of the regular files written (what the tree takes on disk, roughly). */
  bytes: number;
  /** Every entry of the archive was written: the invariant a prune relies on. Always true (anything else throws). */
  complete: true;
}

export interface ExtractLimits {
  maxBytes?: number;
  maxEntries?: number;
}

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

const refuse = (path: string, message: string) =>
  new DriftguardError('CHECKOUT_REFUSED', `${message}; the checkout is refused so nothing is planned or synced from a partial tree`, {
    location: { file: path || '.', line: 1 },
  });

/** Where a relative link target lands, repo-relative (lexically), or undefined when it leaves the repository. */
export function linkTargetInRepo(linkPath: string, target: string): string | undefined {
  if (posix.isAbsolute(target) || /^[A-Za-z]:[\\/]/.test(target)) return undefined;
  const joined = posix.normalize(posix.join(posix.dirname(linkPath), target));
  return joined === '..' || joined.startsWith('../') ? undefined : joined;
}

export async function extractTarball(data: Uint8Array, dir: string, limits: ExtractLimits = {}): Promise<ExtractResult> {
  if (data.byteLength > MAX_TARBALL_BYTES) {
    throw new DriftguardError('YAML_LIMIT', `repository archive is ${data.byteLength} bytes, more than the ${MAX_TARBALL_BYTES} allowed`);
  }
  const maxBytes = limits.maxBytes ?? MAX_EXTRACTED_BYTES;
  const maxEntries = limits.maxEntries ?? MAX_ENTRIES;
  mkdirSync(dir, { recursive: true });
  const result: ExtractResult = { files: 0, symlinks: [], bytes: 0, complete: true };
  let failure: DriftguardError | undefined;
  const links: Array<{ rel: string; target: string }> = [];
  let bytes = 0;
  let entries = 0;
  const fail = (e: DriftguardError) => {
    failure ??= e;
    return false;
  };
  try {
    await pipeline(
      Readable.from([Buffer.from(data.buffer, data.byteOffset, data.byteLength)]),
      extract({
        cwd: dir,
        strip: 1, // GitHub wraps the tree in `<owner>-<repo>-<sha7>/`
        preservePaths: false,
        preserveOwner: false,
        noMtime: true,
        strict: true, // node-tar's warnings (unsafe paths, unknown types...) reject instead of skipping
        onwarn: (code: string, message: string | Error) => {
          fail(refuse('', `repository archive: ${code}: ${message instanceof Error ? message.message : message}`));
        },
        filter: (path, entry) => {
          if (failure) return false;
          const type = 'type' in entry ? entry.type : undefined;
          const parts = path.split('/');
          const rel = parts.slice(1).filter(Boolean).join('/');
          if (parts.length < 2 || !rel) {
            // The wrapper directory itself; anything else at the top is not what GitHub sends.
            return type === 'Directory' ? true : fail(refuse(path, `archive entry ${JSON.stringify(path)} is outside the repository's top directory`));
          }
          if (rel.includes('\0') || posix.isAbsolute(rel) || rel.split('/').some((s) => s === '..')) {
            return fail(refuse(rel, `archive entry name ${JSON.stringify(rel)} escapes the checkout`));
          }
          if (++entries > maxEntries) return fail(refuse(rel, `repository has more than ${maxEntries} entries`));
          if (type !== undefined && FILE_TYPES.has(type)) {
            bytes += 'size' in entry && typeof entry.size === 'number' ? entry.size : 0;
            if (bytes > maxBytes) return fail(refuse(rel, `repository unpacks to more than ${maxBytes} bytes`));
            result.files++;
            return true;
          }
          if (type === 'Directory') return true;
          if (type === 'SymbolicLink') {
            const target = 'linkpath' in entry && typeof entry.linkpath === 'string' ? entry.linkpath : '';
            if (!linkTargetInRepo(rel, target)) return fail(refuse(rel, `symlink to ${JSON.stringify(target)} leaves the repository`));
            // Written after the archive (below): node-tar refuses a link whose target passes through
            // another link, which a repository may well have (`web/x.yaml -> ../shared/x.yaml`, `shared -> base`).
            result.symlinks.push(rel);
            links.push({ rel, target });
            return false;
          }
          if (type === 'Link') return fail(refuse(rel, 'hard link in the repository archive (git never makes one) is not supported'));
          return fail(refuse(rel, `${type ?? 'unknown'} entry in the repository archive is not supported`));
        },
      }),
    );
  } catch (e) {
    if (failure) throw failure;
    if (e instanceof DriftguardError) throw e;
    // node-tar's own refusals (e.g. a link written through another link) name the entry.
    const entry = (e as { entry?: { path?: unknown } }).entry;
    throw refuse(typeof entry?.path === 'string' ? entry.path : '', `repository archive cannot be extracted: ${(e as Error).message}`);
  }
  if (failure) throw failure;
  result.bytes = bytes;
  // A link can also leave through another link (`a -> b/..` where b links elsewhere): check where each
  // really resolves now that all are written. A dangling link stays, as on a clone (tools report it).
  const root = realpathSync.native(dir);
  for (const { rel, target } of links) {
    try {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      symlinkSync(target, join(root, rel));
    } catch (e) {
      throw refuse(rel, `symlink cannot be written: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  for (const rel of result.symlinks) {
    let real: string;
    try {
      real = realpathSync.native(join(root, rel));
    } catch {
      continue;
    }
    if (!isInside(root, real)) throw refuse(rel, 'symlink resolves outside the repository');
  }
  return result;
}
