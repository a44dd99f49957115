// Parse many files and refuse the same object defined twice, naming both places.
import { DriftguardError } from '../errors.ts';
import { displayKey, parseApiVersion, keyString, type KubeObject, type ResourceKey, type SourcedObject } from '../model/object.ts';
import { isClusterScopedBuiltin } from '../normalize/scope.ts';
import type { ManifestLimits } from './limits.ts';
import { parseManifestText } from './parse-manifest-text.ts';

/** How objects are identified for duplicate detection, as the API server will identify them. */
export interface IdentityOptions {
  /**
   * Namespace the objects will be applied to when they set none (kubectl's current namespace, an
   * app's destination namespace). With it, `namespace: default` and no namespace are one object when
   * the default is `default`. Without it, a namespaced object without namespace is keyed as written.
   */
  defaultNamespace?: string;
  /** Discovery answer; undefined falls back to the built-in table of cluster-scoped kinds. */
  isNamespaced?: (group: string, kind: string) => boolean | undefined;
}

/**
 * group/kind/namespace/name as the API server sees it: the version does not matter (apps/v1 and
 * apps/v1beta2 Deployments with one name are one object), a cluster-scoped kind has no namespace
 * (the API server ignores one written on it), and a namespaced one without namespace lands in the
 * default namespace.
 */
export function manifestKey(obj: KubeObject, opts: IdentityOptions = {}): ResourceKey {
  const group = parseApiVersion(obj.apiVersion ?? '').group;
  const namespaced = opts.isNamespaced?.(group, obj.kind) ?? !isClusterScopedBuiltin(group, obj.kind);
  return {
    group,
    kind: obj.kind,
    namespace: namespaced ? obj.metadata?.namespace || opts.defaultNamespace || '' : '',
    name: obj.metadata?.name ?? '',
  };
}

export function parseManifests(
  files: Array<{ file: string; text: string }>,
  limits?: ManifestLimits,
  identity: IdentityOptions = {},
): SourcedObject[] {
  const out = files.flatMap((f) => parseManifestText(f.file, f.text, limits));
  assertNoDuplicates(out, identity, 'defined');
  return out;
}

/**
 * Refuses the same object twice (identity as the API server sees it, see manifestKey): apply order
 * would decide which one wins. The error names both places.
 */
export function assertNoDuplicates(objects: SourcedObject[], identity: IdentityOptions = {}, verb: 'defined' | 'rendered' = 'defined'): void {
  const seen = new Map<string, SourcedObject>();
  for (const so of objects) {
    if (!so.object.metadata?.name) continue;
    const key = manifestKey(so.object, identity);
    const ks = keyString(key);
    const first = seen.get(ks);
    if (first) {
      const where = (s: SourcedObject) => (s.source ? `${s.source.file}:${s.source.line}` : '<unknown>');
      const prep = verb === 'defined' ? 'at' : 'from';
      throw new DriftguardError('DUPLICATE_OBJECT', `${displayKey(key)} is ${verb} twice: ${prep} ${where(first)} and ${prep} ${where(so)}`, {
        location: so.source,
        related: first.source ? [first.source] : undefined,
      });
    }
    seen.set(ks, so);
  }
}
