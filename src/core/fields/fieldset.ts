// Sets of field paths, as structured-merge-diff keeps them for managedFields ownership.
// A set is a trie of path elements; a node is a *member* when the path to it is in the set
// (a leaf field, a list item, an atomic list/map), and it may also have member descendants.
// fieldsV1 writes a member with children as `{".": {}, ...children}` and a childless member as `{}`.
import { listTypeAt, ssaItemKey } from '../schema/list-keys.ts';
import { canonicalElement, compareElements, fieldElement, fieldName, keyElement, keyFields, elementValue, valueElement } from './element.ts';
import { isAtomicMap } from './struct-types.ts';

export type PathElement = string; // fieldsV1 key syntax: 'f:<field>', 'k:<json of key fields, keys sorted>', 'v:<json value>', 'i:<index>'
export type FieldPath = readonly PathElement[];

class Node {
  member = false;
  readonly children = new Map<string, Node>();
}

/** Fields the API server never records ownership of (its "strip meta" set). */
export const SERVER_OWNED_PATHS: readonly FieldPath[] = [
  ['f:apiVersion'],
  ['f:kind'],
  ['f:metadata'],
  ['f:metadata', 'f:name'],
  ['f:metadata', 'f:namespace'],
  ['f:metadata', 'f:creationTimestamp'],
  ['f:metadata', 'f:selfLink'],
  ['f:metadata', 'f:uid'],
  ['f:metadata', 'f:clusterName'],
  ['f:metadata', 'f:generation'],
  ['f:metadata', 'f:managedFields'],
  ['f:metadata', 'f:resourceVersion'],
  ['f:metadata', 'f:deletionTimestamp'],
  ['f:metadata', 'f:deletionGracePeriodSeconds'],
];

export class FieldSet {
  private readonly root = new Node();
  private count = 0;

  static empty(): FieldSet {
    return new FieldSet();
  }

  /** Parse managedFields[].fieldsV1. Unknown element types are dropped, as SMD does. */
  static fromFieldsV1(fieldsV1: unknown): FieldSet {
    const set = new FieldSet();
    const walk = (json: unknown, prefix: PathElement[]): void => {
      if (typeof json !== 'object' || json === null || Array.isArray(json)) return;
      for (const [rawKey, child] of Object.entries(json as Record<string, unknown>)) {
        if (rawKey === '.') continue;
        const el = canonicalElement(rawKey);
        if (el === undefined) continue;
        const path = [...prefix, el];
        const obj = typeof child === 'object' && child !== null && !Array.isArray(child) ? (child as Record<string, unknown>) : {};
        const keys = Object.keys(obj);
        // A childless node, or one marked '.', is a member.
        if (keys.length === 0 || '.' in obj) set.add(path);
        walk(obj, path);
      }
    };
    walk(fieldsV1, []);
    return set;
  }

  /**
   * The set server-side apply records for an applied object: scalar leaves, items of keyed and set
   * lists, atomic lists and atomic maps; minus the metadata the API server never tracks.
   */
  static fromObject(obj: unknown, kind: string): FieldSet {
    const set = new FieldSet();
    collectApplied(set, obj, kind, [], []);
    for (const p of SERVER_OWNED_PATHS) set.remove(p);
    return set;
  }

  has(path: FieldPath): boolean {
    return this.node(path)?.member ?? false;
  }

  hasPrefix(path: FieldPath): boolean {
    const n = this.node(path);
    return n !== undefined && (n.member || n.children.size > 0);
  }

  add(path: FieldPath): void {
    let n = this.root;
    for (const raw of path) {
      const el = raw.startsWith('f:') ? raw : (canonicalElement(raw) ?? raw);
      let c = n.children.get(el);
      if (!c) {
        c = new Node();
        n.children.set(el, c);
      }
      n = c;
    }
    if (!n.member && path.length > 0) {
      n.member = true;
      this.count++;
    }
  }

  /** Remove one member (not its descendants); empty branches are pruned. */
  remove(path: FieldPath): void {
    const chain: Node[] = [this.root];
    for (const el of path) {
      const c = chain[chain.length - 1]!.children.get(el);
      if (!c) return;
      chain.push(c);
    }
    const n = chain[chain.length - 1]!;
    if (!n.member) return;
    n.member = false;
    this.count--;
    for (let i = path.length; i > 0; i--) {
      const c = chain[i]!;
      if (c.member || c.children.size > 0) break;
      chain[i - 1]!.children.delete(path[i - 1]!);
    }
  }

  union(o: FieldSet): FieldSet {
    const out = this.clone();
    for (const p of o.paths()) out.add(p);
    return out;
  }

  difference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const p of this.paths()) if (!o.has(p)) out.add(p);
    return out;
  }

  intersection(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const p of this.paths()) if (o.has(p)) out.add(p);
    return out;
  }

  /** Members that are neither in `o` nor below a member of `o` (SMD's RecursiveDifference). */
  recursiveDifference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const p of this.paths()) {
      let covered = false;
      for (let i = 1; i <= p.length && !covered; i++) covered = o.has(p.slice(0, i));
      if (!covered) out.add(p);
    }
    return out;
  }

  clone(): FieldSet {
    const out = new FieldSet();
    for (const p of this.paths()) out.add(p);
    return out;
  }

  equals(o: FieldSet): boolean {
    return this.size === o.size && this.paths().every((p) => o.has(p));
  }

  isEmpty(): boolean {
    return this.count === 0;
  }

  /** All members, parents before children, siblings in SMD order. */
  paths(): FieldPath[] {
    const out: FieldPath[] = [];
    const walk = (n: Node, prefix: PathElement[]): void => {
      for (const el of sortedKeys(n)) {
        const c = n.children.get(el)!;
        const p = [...prefix, el];
        if (c.member) out.push(p);
        walk(c, p);
      }
    };
    walk(this.root, []);
    return out;
  }

  toFieldsV1(): Record<string, unknown> {
    const emit = (n: Node): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      if (n.member && n.children.size > 0) out['.'] = {};
      for (const el of sortedKeys(n)) out[el] = emit(n.children.get(el)!);
      return out;
    };
    return emit(this.root);
  }

  get size(): number {
    return this.count;
  }

  private node(path: FieldPath): Node | undefined {
    let n: Node | undefined = this.root;
    for (const el of path) {
      n = n.children.get(el) ?? n.children.get(canonicalElement(el) ?? el);
      if (!n) return undefined;
    }
    return n;
  }
}

function sortedKeys(n: Node): string[] {
  return [...n.children.keys()].sort(compareElements);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Field names of a path (list items skipped), as list-keys.ts indexes lists. */
export function fieldNames(path: FieldPath): string[] {
  const out: string[] = [];
  for (const el of path) {
    const f = fieldName(el);
    if (f !== undefined) out.push(f);
  }
  return out;
}

/** Field names with list items as '*', as struct-types.ts indexes maps. */
function schemaPath(path: FieldPath): string[] {
  return path.map((el) => fieldName(el) ?? '*');
}

function collectApplied(set: FieldSet, value: unknown, kind: string, path: PathElement[], names: string[]): void {
  if (Array.isArray(value)) {
    const lt = path.length > 0 ? listTypeAt(kind, names) : undefined;
    if (!lt || (!lt.ssaKeys && !lt.set)) {
      set.add(path); // atomic list: one leaf
      return;
    }
    value.forEach((item, i) => {
      const p = [...path, listItemElement(kind, names, item, i)];
      collectApplied(set, item, kind, p, names);
      set.add(p);
    });
    return;
  }
  if (isPlainObject(value)) {
    if (path.length > 0 && isAtomicMap(kind, schemaPath(path))) {
      set.add(path);
      return;
    }
    for (const [k, v] of Object.entries(value)) collectApplied(set, v, kind, [...path, fieldElement(k)], [...names, k]);
    return;
  }
  if (path.length > 0) set.add(path);
}

/** The element naming `item` (at `index`) in the list at `listPath` (field names from the root) of an object of `kind`. */
export function listItemElement(kind: string, listPath: readonly string[], item: unknown, index: number): PathElement {
  const lt = listTypeAt(kind, listPath);
  if (lt?.ssaKeys && isPlainObject(item)) {
    return keyElement(JSON.parse(ssaItemKey(item, lt.ssaKeys)!) as Record<string, unknown>);
  }
  if (lt?.set) return valueElement(item);
  return `i:${index}`;
}

/** Whether list item `item` is the one `el` names. */
export function itemMatches(el: PathElement, item: unknown, index: number): boolean {
  switch (el[0]) {
    case 'k': {
      if (!isPlainObject(item)) return false;
      const want = keyFields(canonicalElement(el) ?? el)!;
      return Object.entries(want).every(([k, v]) => jsonEqual(item[k] ?? (k === 'protocol' ? 'TCP' : undefined), v));
    }
    case 'v':
      return jsonEqual(item, elementValue(el));
    case 'i':
      return Number(el.slice(2)) === index;
    default:
      return false;
  }
}

/** The value at `path` in `obj`, or undefined when absent. */
export function getAtPath(obj: unknown, path: FieldPath): unknown {
  let cur: unknown = obj;
  for (const el of path) {
    if (el.startsWith('f:')) {
      if (!isPlainObject(cur)) return undefined;
      cur = cur[el.slice(2)];
    } else {
      if (!Array.isArray(cur)) return undefined;
      const list: unknown[] = cur;
      cur = list.find((item, i) => itemMatches(el, item, i));
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}
