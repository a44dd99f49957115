// A file a render tool will read, checked by our own parser first: the size limit for every input,
// and the YAML limits (alias expansions, nesting, document count) for what the tool parses as YAML.
// The tools have weaker or no such limits (kustomize expands a 10-line alias bomb into gigabytes).
import { readFileSync, statSync } from 'node:fs';
import { DriftguardError } from '../core/errors.ts';
import { checkYamlLimits } from '../core/manifests/index.ts';
import { resolveLimits, type ManifestLimits } from '../core/manifests/limits.ts';
import type { SourceLocation } from '../core/model/object.ts';

/** `path` is the repo-relative name used in errors, `real` the file to read; `related` says who reads it. */
export function precheckInputFile(path: string, real: string, read: 'yaml' | 'data', limits?: ManifestLimits, related?: SourceLocation): void {
  const size = statSync(real).size;
  const max = resolveLimits(limits).maxFileBytes;
  if (size > max) {
    throw new DriftguardError('YAML_LIMIT', `file is ${size} bytes, over the ${max}-byte limit for one input file`, {
      location: { file: path, line: 1 },
      ...(related ? { related: [related] } : {}),
    });
  }
  if (read === 'yaml') checkYamlLimits(path, readFileSync(real, 'utf8'), limits);
}
