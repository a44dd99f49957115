// Small value helpers shared by the normalizer.

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** null, undefined, `{}` and `[]`: the API server stores none of them, so they equal absence. */
export function isEmptyValue(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isPlainObject(v)) {
    for (const _ in v) return false;
    return true;
  }
  return false;
}

/** True when `v` holds no scalar at all (nested empty maps only), e.g. `{securityContext: {}}`. */
export function isEffectivelyEmpty(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isPlainObject(v)) {
    for (const k in v) if (!isEffectivelyEmpty(v[k])) return false;
    return true;
  }
  return false;
}

/** Go zero values: a typed (built-in) API object with `omitempty` drops them, so they equal absence. */
export function isZeroScalar(v: unknown): boolean {
  return v === false || v === 0 || v === '';
}

/** Drop nulls and empty lists everywhere (helm's `key: null`, `env: []`); keeps `{}` (e.g. `emptyDir: {}`). */
export function pruneNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(pruneNulls);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k in v) {
    const x = v[k];
    if (x === null || x === undefined || (Array.isArray(x) && x.length === 0)) continue;
    out[k] = pruneNulls(x);
  }
  return out;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    let n = 0;
    for (const k in a) {
      if (a[k] === undefined) continue;
      n++;
      if (!deepEqual(a[k], b[k])) return false;
    }
    for (const k in b) if (b[k] !== undefined) n--;
    return n === 0;
  }
  return false;
}
