// Which fields changed between two versions of an object, as structured-merge-diff's Compare sees
// them: leaves (scalars, atomic lists, atomic maps) are Added/Modified/Removed; a map, list or list
// item that appears or disappears as a whole is itself Added/Removed too (that is where the `.`
// markers of Update entries come from). Non-pointer structs (spec, template, ...) exist in Go's
// zero value, so they never count as added.
import { FieldSet, listItemElement, jsonEqual, type PathElement } from '../../../src/core/fields/fieldset.ts';
import { listTypeAt } from '../../../src/core/schema/list-keys.ts';
import { isAtomicMap, isInlineStruct } from '../../../src/core/fields/struct-types.ts';

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const present = (v: unknown): boolean => v !== undefined && v !== null;

/** Compare `lhs` (old) with `rhs` (new), both objects of `kind`. `only` limits the walk to one top-level field. */
export function compareObjects(kind: string, lhs: unknown, rhs: unknown, skip: (topField: string) => boolean = () => false): Comparison {
  const cmp: Comparison = { added: FieldSet.empty(), modified: FieldSet.empty(), removed: FieldSet.empty() };
  const l = isObj(lhs) ? lhs : {};
  const r = isObj(rhs) ? rhs : {};
  for (const k of new Set([...Object.keys(l), ...Object.keys(r)])) {
    if (skip(k)) continue;
    walk(cmp, kind, l[k], r[k], [`f:${k}`], [k], [k]);
  }
  return cmp;
}

function leaf(cmp: Comparison, l: unknown, r: unknown, path: PathElement[]): void {
  if (!present(l)) cmp.added.add(path);
  else if (!present(r)) cmp.removed.add(path);
  else if (!jsonEqual(l, r)) cmp.modified.add(path);
}

// names: field names without list items (list-keys.ts); schema: with list items as '*' (struct-types.ts)
function walk(cmp: Comparison, kind: string, l: unknown, r: unknown, path: PathElement[], names: string[], schema: string[]): void {
  if (!present(l) && !present(r)) return;
  const isList = Array.isArray(l) || Array.isArray(r);
  const isMap = isObj(l) || isObj(r);
  const mixed = (present(l) && present(r) && (Array.isArray(l) !== Array.isArray(r) || isObj(l) !== isObj(r)));
  if (mixed || (!isList && !isMap)) return leaf(cmp, l, r, path);

  if (isList) {
    const lt = listTypeAt(kind, names);
    const ll = Array.isArray(l) ? l : [];
    const rl = Array.isArray(r) ? r : [];
    if ((!lt?.ssaKeys && !lt?.set) || (ll.length === 0 && rl.length === 0)) return leaf(cmp, l, r, path);
    const lItems = indexItems(kind, names, ll);
    const rItems = indexItems(kind, names, rl);
    for (const [el, rv] of rItems) walkItem(cmp, kind, lItems.get(el), rv, [...path, el], names, schema);
    for (const [el, lv] of lItems) if (!rItems.has(el)) walkItem(cmp, kind, lv, undefined, [...path, el], names, schema);
    if (isInlineStruct(schema)) return;
  } else {
    const lm = isObj(l) ? l : {};
    const rm = isObj(r) ? r : {};
    const empty = Object.keys(lm).length === 0 && Object.keys(rm).length === 0;
    if (empty || isAtomicMap(kind, schema)) return leaf(cmp, l, r, path);
    for (const k of new Set([...Object.keys(lm), ...Object.keys(rm)])) {
      walk(cmp, kind, lm[k], rm[k], [...path, `f:${k}`], [...names, k], [...schema, k]);
    }
    if (isInlineStruct(schema)) return;
  }
  if (!present(l)) cmp.added.add(path);
  else if (!present(r)) cmp.removed.add(path);
}

function walkItem(cmp: Comparison, kind: string, l: unknown, r: unknown, path: PathElement[], names: string[], schema: string[]): void {
  if (isObj(l) || isObj(r)) {
    walk(cmp, kind, l, r, path, names, [...schema, '*']);
    // an item is a member on its own: appearing/disappearing items were marked by walk
    return;
  }
  leaf(cmp, l, r, path);
}

/** Items of an associative list by their path element; later duplicates ignored, as SMD does. */
export function indexItems(kind: string, names: readonly string[], list: readonly unknown[]): Map<PathElement, unknown> {
  const out = new Map<PathElement, unknown>();
  list.forEach((item, i) => {
    const el = listItemElement(kind, names, item, i);
    if (!out.has(el)) out.set(el, item);
  });
  return out;
}
