// Parse many files and refuse the same object defined twice, naming both places.
import { DriftguardError } from '../errors.ts';
import { displayKey, keyOf, keyString, type SourcedObject } from '../model/object.ts';
import type { ManifestLimits } from './limits.ts';
import { parseManifestText } from './parse-manifest-text.ts';

export function parseManifests(files: Array<{ file: string; text: string }>, limits?: ManifestLimits): SourcedObject[] {
  const out: SourcedObject[] = [];
  const seen = new Map<string, SourcedObject>();
  for (const f of files) {
    for (const so of parseManifestText(f.file, f.text, limits)) {
      if (so.object.metadata.name) {
        // Identity is group/kind/namespace/name as written; the version does not matter (apps/v1 and
        // apps/v1beta2 Deployments with one name are one object to the API server).
        const key = keyOf(so.object);
        const ks = keyString(key);
        const first = seen.get(ks);
        if (first) {
          const where = (s: SourcedObject) => (s.source ? `${s.source.file}:${s.source.line}` : '<unknown>');
          throw new DriftguardError(
            'DUPLICATE_OBJECT',
            `${displayKey(key)} is defined twice: at ${where(first)} and at ${where(so)}`,
            { location: so.source, related: first.source ? [first.source] : undefined },
          );
        }
        seen.set(ks, so);
      }
      out.push(so);
    }
  }
  return out;
}
