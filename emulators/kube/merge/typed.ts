// Typed operations on objects, after structured-merge-diff's typed package: the field set of a value,
// the comparison of two values (added/modified/removed), the merge of an applied configuration into
// a live object, and removal of field paths. Values are plain JSON; `undefined` is "absent" and
// `null` is "present, empty" (as a Go nil the API server serialized).
import { FieldSet, fieldEl, keyEl, keyOf, pathString, valueEl, type Element, type Path } from './field-set.ts';
import { MergeError } from './errors.ts';
import { childOf, type ListType, type Type } from './types.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEmpty = (v: unknown): boolean => v === null || v === undefined || (Array.isArray(v) ? v.length === 0 : isObj(v) && Object.keys(v).length === 0);

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (!isObj(a) || !isObj(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
}

/** A list is merged per item only when its type says set or map; everything else is atomic. */
function granularList(t: Type): t is ListType {
  return t.t === 'list' && t.rel !== 'atomic';
}

function atomicMap(t: Type): boolean {
  return t.t === 'map' && t.atomic;
}

/** The element naming `item` in a set or map list; throws what SMD reports for items it cannot name. */
export function itemElement(t: ListType, item: unknown): Element {
  if (t.rel === 'set') {
    if (isObj(item) || Array.isArray(item) || item === null) {
      throw new MergeError(500, '', `associative list without keys has an element that's ${item === null ? 'an explicit null' : isObj(item) ? 'a map type' : 'a list'}`);
    }
    return valueEl(item);
  }
  if (!isObj(item)) throw new MergeError(500, '', 'associative list with keys may not have non-map elements');
  const key: Obj = {};
  const elemType = t.elem;
  for (const k of t.keys) {
    const v = item[k] ?? (elemType.t === 'map' ? elemType.fieldDefault(k) : undefined);
    if (v !== undefined && v !== null) key[k] = v;
  }
  if (t.keys.length > 0 && Object.keys(key).length === 0) {
    throw new MergeError(500, '', `associative list with keys has an element that omits all key fields ${JSON.stringify(t.keys)} (and doesn't have default values for any key fields)`);
  }
  return keyEl(key);
}

/** Whether `item` is the one `el` names (in a list of type `t`, or by index). */
export function itemMatches(t: Type, el: Element, item: unknown, index: number): boolean {
  if (el[0] === 'i') return Number(el.slice(2)) === index;
  if (!granularList(t)) return false;
  try {
    return itemElement(t, item) === el;
  } catch {
    return false;
  }
}

// ---- field sets -------------------------------------------------------------------------------

/** The fields `value` sets (SMD ToFieldSet): leaves, items of set/map lists, atomic lists and maps, empty maps and nulls. */
export function toFieldSet(value: unknown, t: Type, opts: { allowDuplicates?: boolean } = {}): FieldSet {
  const paths: Path[] = [];
  collect(value, t, [], paths, opts.allowDuplicates ?? true);
  return FieldSet.of(paths);
}

function collect(v: unknown, t: Type, path: Element[], out: Path[], dups: boolean): void {
  if (Array.isArray(v)) {
    if (!granularList(t)) { out.push(path); return; }
    const seen = new Map<Element, number>();
    const els = v.map((item) => itemElement(t, item));
    for (const el of els) seen.set(el, (seen.get(el) ?? 0) + 1);
    for (const [el, n] of seen) {
      if (n > 1 && !dups) throw new MergeError(500, '', `${pathString(path)}: duplicate entries for key ${pathString([el])}`);
      if (n > 1) out.push([...path, el]);
    }
    v.forEach((item, i) => {
      const el = els[i]!;
      if (seen.get(el)! > 1) return;
      collect(item, t.elem, [...path, el], out, dups);
      out.push([...path, el]);
    });
    return;
  }
  if (isObj(v)) {
    if (atomicMap(t)) { out.push(path); return; }
    for (const [k, child] of Object.entries(v)) {
      if (child === undefined) continue;
      const p = [...path, fieldEl(k)];
      collect(child, childOf(t, k), p, out, dups);
      const declared = t.t === 'map' && t.hasField(k);
      if (child === null || (isObj(child) && Object.keys(child).length === 0) || !declared) out.push(p);
    }
    return;
  }
  if (path.length > 0) out.push(path);
}

/**
 * Named (declared struct) fields that have members below them become members themselves, as SMD's
 * EnsureNamedFieldsAreMembers: pruning a field nobody owns anything under removes it whole.
 */
export function ensureNamedFieldsAreMembers(set: FieldSet, root: Type): FieldSet {
  const extra: Path[] = [];
  for (const p of set.paths()) {
    let t: Type = root;
    for (let i = 0; i < p.length - 1; i++) {
      const el = p[i]!;
      if (el[0] === 'f') {
        const name = el.slice(2);
        if (t.t === 'map' && t.hasField(name)) extra.push(p.slice(0, i + 1));
        t = childOf(t, name);
      } else {
        t = t.t === 'list' ? t.elem : t;
      }
    }
  }
  return extra.length ? set.union(FieldSet.of(extra)) : set;
}

// ---- compare ----------------------------------------------------------------------------------

export interface Comparison {
  added: Path[];
  modified: Path[];
  removed: Path[];
}

/** Compare `lhs` (old) and `rhs` (new); Go zero values of built-in types are filled in on both sides. */
export function compare(lhs: unknown, rhs: unknown, t: Type, skipTop: (field: string) => boolean = () => false): Comparison {
  const cmp: Comparison = { added: [], modified: [], removed: [] };
  const l = isObj(lhs) ? lhs : {};
  const r = isObj(rhs) ? rhs : {};
  for (const k of keysOf(t, l, r)) {
    if (skipTop(k)) continue;
    cmpValue(cmp, withZero(t, l, k), withZero(t, r, k), childOf(t, k), [fieldEl(k)]);
  }
  return cmp;
}

function keysOf(t: Type, l: Obj | undefined, r: Obj | undefined): Set<string> {
  const zero = t.t === 'map' ? t.zero : undefined;
  return new Set([...Object.keys(l ?? {}), ...Object.keys(r ?? {}), ...(zero && (l || r) ? Object.keys(zero) : [])]);
}

/** Field `k` of map `m` (of type `t`), with the Go zero value when `m` exists but lacks it. */
function withZero(t: Type, m: Obj | undefined, k: string): unknown {
  if (!m) return undefined;
  const v = m[k];
  if (v !== undefined) return v;
  const zero = t.t === 'map' ? t.zero : undefined;
  return zero && k in zero ? structuredClone(zero[k]) : undefined;
}

function leaf(cmp: Comparison, l: unknown, r: unknown, path: Path): void {
  if (l === undefined) cmp.added.push(path);
  else if (r === undefined) cmp.removed.push(path);
  else if (!jsonEqual(l, r)) cmp.modified.push(path);
}

function cmpValue(cmp: Comparison, l: unknown, r: unknown, t: Type, path: Element[]): void {
  if (l === undefined && r === undefined) return;
  const list = Array.isArray(l) || Array.isArray(r);
  const map = isObj(l) || isObj(r);
  const clash = (Array.isArray(l) && isObj(r)) || (isObj(l) && Array.isArray(r));
  if (clash || (!list && !map)) return leaf(cmp, l, r, path);
  if (list) {
    if (!granularList(t) || (isEmpty(l) && isEmpty(r))) return leaf(cmp, l, r, path);
    cmpItems(cmp, Array.isArray(l) ? l : [], Array.isArray(r) ? r : [], t, path);
  } else {
    if (atomicMap(t) || (isEmpty(l) && isEmpty(r))) return leaf(cmp, l, r, path);
    const lm = isObj(l) ? l : undefined;
    const rm = isObj(r) ? r : undefined;
    for (const k of keysOf(t, l === undefined ? undefined : lm ?? {}, r === undefined ? undefined : rm ?? {})) {
      cmpValue(cmp, withZero(t, l === undefined ? undefined : lm ?? {}, k), withZero(t, r === undefined ? undefined : rm ?? {}, k), childOf(t, k), [...path, fieldEl(k)]);
    }
  }
  if (l === undefined) cmp.added.push(path);
  else if (r === undefined) cmp.removed.push(path);
}

function cmpItems(cmp: Comparison, l: unknown[], r: unknown[], t: ListType, path: Element[]): void {
  const group = (list: unknown[]): Map<Element, unknown[]> => {
    const m = new Map<Element, unknown[]>();
    for (const item of list) {
      const el = itemElement(t, item);
      m.set(el, [...(m.get(el) ?? []), item]);
    }
    return m;
  };
  const lg = group(l);
  const rg = group(r);
  for (const el of new Set([...lg.keys(), ...rg.keys()])) {
    const li = lg.get(el) ?? [];
    const ri = rg.get(el) ?? [];
    const p = [...path, el];
    if (li.length <= 1 && ri.length <= 1) cmpValue(cmp, li[0], ri[0], t.elem, p);
    else if (li.length >= 2 && ri.length >= 2) { if (!jsonEqual(li, ri)) cmp.modified.push(p); }
    else if (li.length >= 2) { if (ri.length) cmpValue(cmp, undefined, ri[0], t.elem, p); cmp.removed.push(p); }
    else { if (li.length) cmpValue(cmp, li[0], undefined, t.elem, p); cmp.added.push(p); }
  }
}

// ---- merge ------------------------------------------------------------------------------------

/** Merge an applied configuration into a live object: the configuration wins, per field and per list item. */
export function merge(live: unknown, config: unknown, t: Type): unknown {
  if (config === undefined) return live;
  if (live === undefined || live === null) return config;
  if (Array.isArray(config)) {
    if (!Array.isArray(live) || !granularList(t) || (live.length === 0 && config.length === 0)) return config;
    return mergeItems(live, config, t);
  }
  if (isObj(config)) {
    if (!isObj(live) || atomicMap(t)) return config;
    const out: Obj = { ...live };
    for (const [k, v] of Object.entries(config)) {
      // an applied null clears the field (the API server drops it when it decodes the result)
      if (v === null) delete out[k];
      else out[k] = merge(live[k], v, childOf(t, k));
    }
    return out;
  }
  return config;
}

/**
 * Items of both lists: shared items merged, items only in live kept, new items from the config.
 * Order as SMD: the config's order for the items it names, live-only items stay where they were
 * relative to the next shared item.
 */
function mergeItems(live: unknown[], config: unknown[], t: ListType): unknown[] {
  const lEls = live.map((item) => itemElement(t, item));
  const rEls = config.map((item) => itemElement(t, item));
  const lBy = new Map<Element, unknown>();
  lEls.forEach((el, i) => lBy.set(el, lBy.has(el) ? null : live[i])); // duplicates in live merge as nothing
  const rBy = new Map<Element, unknown>();
  rEls.forEach((el, i) => {
    if (rBy.has(el)) throw new MergeError(500, '', `duplicate entries for key ${pathString([el])}`);
    rBy.set(el, config[i]);
  });
  // Walk both lists: live-only items stay where they are; a shared live item that is not the next
  // shared item in config order is skipped here and placed when the config reaches it.
  const shared = rEls.filter((el) => lBy.has(el));
  let s = 0;
  const placed = new Set<Element>();
  const out: unknown[] = [];
  const place = (el: Element): void => {
    placed.add(el);
    const l = lBy.get(el);
    out.push(merge(l === null ? undefined : l, rBy.get(el), t.elem));
  };
  let li = 0;
  let ri = 0;
  while (li < lEls.length || ri < rEls.length) {
    if (li < lEls.length && ri < rEls.length) {
      const el = lEls[li]!;
      if (el === rEls[ri]) {
        place(el);
        li++; ri++; s++;
        continue;
      }
      if (rBy.has(el) && s < shared.length && shared[s] !== el) { li++; continue; }
    }
    if (li < lEls.length) {
      const el = lEls[li]!;
      if (!rBy.has(el)) { out.push(live[li]); li++; continue; }
      if (placed.has(el)) li++;
    }
    if (ri < rEls.length) {
      const el = rEls[ri]!;
      place(el);
      ri++;
      if (s < shared.length && shared[s] === el) s++;
    }
  }
  return out;
}

// ---- removal ----------------------------------------------------------------------------------

/** Remove each path of `set` (with everything below it) from `obj` in place; emptied maps and lists go too. */
export function removeItems(obj: Obj, set: FieldSet, t: Type): void {
  for (const p of set.paths()) removeAt(obj, p, 0, t);
}

function removeAt(cur: unknown, path: Path, i: number, t: Type): boolean {
  const el = path[i]!;
  const last = i === path.length - 1;
  if (el[0] === 'f') {
    if (!isObj(cur)) return false;
    const name = el.slice(2);
    if (!(name in cur)) return false;
    if (last) { delete cur[name]; return true; }
    const done = removeAt(cur[name], path, i + 1, childOf(t, name));
    if (done && isEmpty(cur[name])) delete cur[name];
    return done;
  }
  if (!Array.isArray(cur)) return false;
  const idx = cur.findIndex((item, n) => itemMatches(t, el, item, n));
  if (idx < 0) return false;
  if (last) { cur.splice(idx, 1); return true; }
  return removeAt(cur[idx], path, i + 1, t.t === 'list' ? t.elem : t);
}
