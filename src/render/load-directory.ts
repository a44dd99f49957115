// Plain directories: every *.yaml/*.yml/*.json below the path, read in a stable order, each object
// keeping its repo-relative file:line. Helm and Kustomize inputs that happen to sit in the tree
// (Chart.yaml, values files, kustomization files) are not Kubernetes objects and are skipped.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DriftguardError } from '../core/errors.ts';
import type { SourcedObject } from '../core/model/object.ts';
import { parseManifests, type IdentityOptions } from '../core/manifests/index.ts';
import { resolveLimits, type ManifestLimits } from '../core/manifests/limits.ts';
import { isInside, repoPath } from './paths.ts';

const MANIFEST_EXT = /\.(ya?ml|json)$/i;
const NOT_MANIFESTS = /^(Chart\.ya?ml|Chart\.lock|values[^/]*\.ya?ml|values\.schema\.json|kustomization\.ya?ml|Kustomization)$/;
/** Refuse absurd trees before reading them all into memory. */
const MAX_FILES = 20_000;

export interface LoadOptions {
  limits?: ManifestLimits;
  /** Skip Chart.yaml, values*.yaml and kustomization files (true for rendering, false for saved live objects). */
  skipToolInputs?: boolean;
  /** How duplicates are judged (the app's namespace for objects without one). */
  identity?: IdentityOptions;
}

/** Manifest files under `abs` (a file or a directory), sorted, as absolute real paths. */
export function listManifestFiles(rootReal: string, abs: string, opts: LoadOptions = {}): string[] {
  const skipToolInputs = opts.skipToolInputs ?? true;
  const st = statSync(abs);
  if (st.isFile()) return [abs];
  const files: string[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const ent of entries) {
      if (ent.name.startsWith('.')) continue; // .git, .github, editor files
      let p = join(dir, ent.name);
      let isDir = ent.isDirectory();
      let isFile = ent.isFile();
      if (ent.isSymbolicLink()) {
        try {
          p = realpathSync.native(p);
        } catch {
          continue;
        }
        if (!isInside(rootReal, p)) {
          throw new DriftguardError('MANIFEST_INVALID', 'symlink points outside the repository root', {
            location: { file: repoPath(rootReal, join(dir, ent.name)), line: 1 },
          });
        }
        const s = statSync(p);
        isDir = s.isDirectory() && !isInside(p, dir); // no cycles
        isFile = s.isFile();
      }
      if (isDir) walk(p);
      else if (isFile && MANIFEST_EXT.test(ent.name) && !(skipToolInputs && NOT_MANIFESTS.test(ent.name))) {
        files.push(p);
        if (files.length > MAX_FILES) {
          throw new DriftguardError('YAML_LIMIT', `more than ${MAX_FILES} manifest files under ${repoPath(rootReal, abs)}`);
        }
      }
    }
  };
  walk(abs);
  return files;
}

/** Reads and parses every manifest under `abs`; locations are relative to `rootReal`. */
export function loadManifestPath(rootReal: string, abs: string, opts: LoadOptions = {}): SourcedObject[] {
  const limits = resolveLimits(opts.limits);
  const inputs = listManifestFiles(rootReal, abs, opts).map((p) => {
    const file = repoPath(rootReal, p);
    const size = statSync(p).size;
    if (size > limits.maxFileBytes) {
      throw new DriftguardError('YAML_LIMIT', `file is ${size} bytes, over the ${limits.maxFileBytes}-byte limit`, {
        location: { file, line: 1 },
      });
    }
    return { file, text: readFileSync(p, 'utf8') };
  });
  return parseManifests(inputs, opts.limits, opts.identity);
}
