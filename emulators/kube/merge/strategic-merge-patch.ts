// Strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch) for built-in kinds:
// maps merge recursively and null deletes; lists with patch strategy `merge` (x-kubernetes-patch-strategy
// in the emulator's OpenAPI schemas, merge/types.ts) merge per item by their patch merge key, or as a
// union for lists of scalars (finalizers); other lists are replaced.
// Directives: $patch: replace|merge|delete (on maps and list items), $retainKeys,
// $deleteFromPrimitiveList/<field>, $setElementOrder/<field>.
import type { KubeObject } from '../../../src/core/model/object.ts';
import { MergeError } from './errors.ts';
import { jsonEqual } from './typed.ts';
import { builtinTypes, childOf, type Type } from './types.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';
const SET_ORDER = '$setElementOrder/';

/** `type`: the root type of `live` (built-in kinds by default). */
export function strategicMergePatch(live: KubeObject, patch: unknown, type: Type = builtinTypes(live.apiVersion, live.kind)): KubeObject {
  if (!isObj(patch)) throw new MergeError(400, 'BadRequest', 'strategic merge patch must be a JSON object');
  const out = mergeMap(structuredClone(live) as Obj, patch, type);
  if (out === undefined) throw new MergeError(422, 'Invalid', 'a strategic merge patch cannot delete the whole object');
  return out as KubeObject;
}

/** Merge `patch` into `orig` (owned, mutable); undefined means "delete this map". */
function mergeMap(orig: Obj | undefined, patch: Obj, type: Type): Obj | undefined {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return clean(patch, type);
  if (directive !== undefined && directive !== 'merge') {
    // apimachinery's error, which kube-apiserver answers as a 500 without a reason
    throw new MergeError(500, '', `unknown patch type: ${String(directive)} in map: ${goMap(patch)}`);
  }
  const out: Obj = orig ? orig : {};

  if ('$retainKeys' in patch) {
    const keep = patch.$retainKeys;
    if (!Array.isArray(keep)) throw new MergeError(400, 'BadRequest', 'invalid $retainKeys: must be a list');
    for (const k of Object.keys(out)) if (!keep.includes(k)) delete out[k];
  }

  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith(DELETE_PRIMITIVE)) {
      const field = k.slice(DELETE_PRIMITIVE.length);
      if (!Array.isArray(v)) throw new MergeError(400, 'BadRequest', `invalid ${k}: must be a list`);
      const cur = out[field];
      if (Array.isArray(cur)) {
        const rest = cur.filter((x) => !v.some((d) => jsonEqual(d, x)));
        if (rest.length > 0) out[field] = rest;
        else delete out[field];
      }
      continue;
    }
    if (k.startsWith(SET_ORDER)) continue; // applied after the list merge below
    if (k.startsWith('$')) throw new MergeError(400, 'BadRequest', `unknown directive ${k}`);
    const fieldType = childOf(type, k);
    if (v === null) {
      delete out[k];
    } else if (isObj(v)) {
      const merged = mergeMap(isObj(out[k]) ? (out[k] as Obj) : undefined, v, fieldType);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else if (Array.isArray(v)) {
      const order = patch[`${SET_ORDER}${k}`];
      const merged = mergeList(Array.isArray(out[k]) ? (out[k] as unknown[]) : undefined, v, fieldType, Array.isArray(order) ? order : undefined);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else {
      out[k] = v;
    }
  }

  for (const [k, order] of Object.entries(patch)) {
    if (!k.startsWith(SET_ORDER)) continue;
    const field = k.slice(SET_ORDER.length);
    if (!Array.isArray(order)) throw new MergeError(400, 'BadRequest', `invalid ${k}: must be a list`);
    // lists the patch also merged were ordered by mergeList; here only an order for a list left alone
    if (Array.isArray(out[field]) && !Array.isArray(patch[field])) {
      out[field] = normalizeOrder(out[field] as unknown[], order, out[field] as unknown[], mergeKeyOf(childOf(type, field)));
    }
  }
  return out;
}

/** The patch merge key of a list merged per item (patch strategy `merge`). */
function mergeKeyOf(t: Type): string | undefined {
  return t.t === 'list' && t.patchStrategy?.split(',').includes('merge') ? t.patchMergeKey : undefined;
}

/** `order`: the patch's $setElementOrder for this list, if any. */
function mergeList(orig: unknown[] | undefined, patch: unknown[], type: Type, order?: unknown[]): unknown[] | undefined {
  const key = mergeKeyOf(type);
  const itemType = type.t === 'list' ? type.elem : type;
  // A {$patch: replace} item replaces the list with the other items of the patch.
  const replace = patch.some((item) => isObj(item) && item.$patch === 'replace' && Object.keys(item).length === 1);
  if (replace) return patch.filter((item) => !(isObj(item) && item.$patch === 'replace')).map((item) => cleanValue(item, itemType));

  if (key && patch.every(isObj)) {
    const out = orig ? [...orig] : [];
    for (const item of patch as Obj[]) {
      const id = item[key];
      if (id === undefined) throw new MergeError(422, 'Invalid', `map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`);
      const idx = out.findIndex((x) => isObj(x) && jsonEqual(x[key], id));
      if (item.$patch === 'delete') {
        if (idx >= 0) out.splice(idx, 1);
        continue;
      }
      if (idx >= 0) out[idx] = mergeMap(out[idx] as Obj, item, itemType)!;
      else out.push(clean(item, itemType));
    }
    const named = (patch as Obj[]).filter((item) => item.$patch === undefined);
    return normalizeOrder(out, order ?? named, orig ?? [], key);
  }
  if (type.t === 'list' && type.patchStrategy?.split(',').includes('merge') && !type.patchMergeKey && patch.every((x) => !isObj(x) && !Array.isArray(x))) {
    const out = orig ? [...orig] : [];
    for (const x of patch) if (!out.some((y) => jsonEqual(x, y))) out.push(x);
    return normalizeOrder(out, order ?? patch, orig ?? [], undefined);
  }
  return patch.map((item) => cleanValue(item, itemType));
}

/**
 * The order apimachinery gives a merged list (normalizeElementOrder): items the patch (or its
 * $setElementOrder) names in that order, server-only items in their live order, interleaved where
 * the live order places a server-only item before a patch item.
 */
function normalizeOrder(merged: unknown[], order: unknown[], live: unknown[], key: string | undefined): unknown[] {
  const id = (x: unknown): unknown => (key && isObj(x) ? x[key] : x);
  const indexIn = (list: unknown[], x: unknown): number => list.findIndex((o) => jsonEqual(id(o), id(x)));
  const named = merged.filter((x) => indexIn(order, x) >= 0).sort((a, b) => indexIn(order, a) - indexIn(order, b));
  const serverOnly = merged.filter((x) => indexIn(order, x) < 0).sort((a, b) => indexIn(live, a) - indexIn(live, b));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < named.length) {
    if (j >= named.length) { out.push(serverOnly[i++]); continue; }
    if (i >= serverOnly.length) { out.push(named[j++]); continue; }
    const li = indexIn(live, serverOnly[i]);
    const ri = indexIn(live, named[j]);
    out.push(li >= 0 && ri >= 0 && li < ri ? serverOnly[i++] : named[j++]);
  }
  return out;
}

/** A patch value with its directives resolved against nothing (new content). */
function clean(patch: Obj, type: Type): Obj {
  return mergeMap(undefined, { ...patch, $patch: undefined }, type) ?? {};
}

function cleanValue(v: unknown, type: Type): unknown {
  if (isObj(v)) return clean(v, type);
  if (Array.isArray(v)) return v.map((x) => cleanValue(x, type.t === 'list' ? type.elem : type));
  return v;
}

/** Go's %v of a decoded JSON value: `map[k:v ...]` with sorted keys, `[a b]` for slices. */
function goMap(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goMap).join(' ')}]`;
  if (isObj(v)) return `map[${Object.keys(v).sort().map((k) => `${k}:${goMap(v[k])}`).join(' ')}]`;
  return v === null ? '<nil>' : String(v);
}
