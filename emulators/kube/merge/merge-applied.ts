// Merge an applied configuration into the live object the way structured-merge-diff does:
// maps merge per field, associative lists (SSA list-map keys, sets) merge per item, atomic lists
// and atomic maps are replaced whole by the applied value. Item order: items only in live keep
// their place, the rest follow the applied order.
import { listItemElement, type PathElement } from '../../../src/core/fields/fieldset.ts';
import { listTypeAt } from '../../../src/core/schema/list-keys.ts';
import { isAtomicMap } from '../../../src/core/fields/struct-types.ts';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergeApplied(kind: string, live: unknown, applied: unknown): unknown {
  return merge(kind, live, applied, [], []);
}

function merge(kind: string, l: unknown, r: unknown, names: string[], schema: string[]): unknown {
  if (r === undefined) return structuredClone(l);
  if (Array.isArray(r)) {
    const lt = names.length > 0 ? listTypeAt(kind, names) : undefined;
    if (!Array.isArray(l) || (!lt?.ssaKeys && !lt?.set)) return structuredClone(r);
    return mergeList(kind, l, r, names, schema);
  }
  if (isObj(r)) {
    if (!isObj(l) || (schema.length > 0 && isAtomicMap(kind, schema))) return structuredClone(r);
    const out: Record<string, unknown> = { ...l };
    for (const [k, v] of Object.entries(r)) {
      // an applied null removes the field
      if (v === null) delete out[k];
      else out[k] = merge(kind, l[k], v, [...names, k], [...schema, k]);
    }
    return out;
  }
  return r;
}

function mergeList(kind: string, l: unknown[], r: unknown[], names: string[], schema: string[]): unknown[] {
  const key = (item: unknown, i: number): PathElement => listItemElement(kind, names, item, i);
  const lByKey = new Map<PathElement, unknown>();
  const lOrder: PathElement[] = [];
  l.forEach((item, i) => {
    const k = key(item, i);
    if (!lByKey.has(k)) { lByKey.set(k, item); lOrder.push(k); }
  });
  const rByKey = new Map<PathElement, unknown>();
  const rOrder: PathElement[] = [];
  r.forEach((item, i) => {
    const k = key(item, i);
    if (!rByKey.has(k)) { rByKey.set(k, item); rOrder.push(k); }
  });
  const out: unknown[] = [];
  const seen = new Set<PathElement>();
  const emit = (k: PathElement): void => {
    if (seen.has(k)) return;
    seen.add(k);
    out.push(rByKey.has(k) ? merge(kind, lByKey.get(k), rByKey.get(k), names, [...schema, '*']) : structuredClone(lByKey.get(k)));
  };
  let i = 0;
  let j = 0;
  while (i < lOrder.length || j < rOrder.length) {
    if (i < lOrder.length && (seen.has(lOrder[i]!) || !rByKey.has(lOrder[i]!))) {
      emit(lOrder[i++]!);
    } else if (j < rOrder.length) {
      emit(rOrder[j++]!);
    } else {
      emit(lOrder[i++]!);
    }
  }
  return out;
}
