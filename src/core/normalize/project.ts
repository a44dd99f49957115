// The heart of the diff: walk desired and live together and produce two comparable trees.
//
// Semantics follow server-side apply, which is how we sync:
//  - only what desired sets is compared; whatever else live holds (server defaults, fields other
//    managers own, status, bookkeeping metadata) is projected away;
//  - a live field desired no longer sets is drift only when we owned it before (managedFields of our
//    Apply manager, or kubectl's last-applied annotation): applying would remove it;
//  - keyed lists (containers by name, ports by port+protocol, ...) match items by key, so order and
//    defaults inside items never show; set lists match by value;
//  - atomic lists and atomic maps are replaced whole on apply, so they compare whole, tolerating only
//    the subfields the API server defaults (atomic-defaults.ts); custom resources are not defaulted
//    by us-known rules, so their atomic items tolerate any live-only field;
//  - null, {} and [] equal absence; Go zero values of typed (built-in) objects equal absence, since
//    `omitempty` drops them; in the string/byte maps of built-in objects (Secret data, ConfigMap
//    data/binaryData, labels, ...) a null value is the empty value "", as Go decodes it;
//  - scalars compare strictly by JSON type (scalar-equality.ts): `80` and `"80"` differ, as they do to
//    the API server; only quantity fields compare by value across spellings (`1000m` == `1`, `1` == "1").
// Values equal under these rules are emitted identically on both sides (the desired spelling), so a
// JSON patch between the two trees holds only real changes.
import { keyElement, valueElement } from '../fields/element.ts';
import type { FieldPath } from '../fields/fieldset.ts';
import { isAtomicMap } from '../fields/struct-types.ts';
import { listTypeAt, type ListType } from '../schema/list-keys.ts';
import { PREFIX } from '../ownership.ts';
import { isAdmissionAddedItem, isServerDefault } from './atomic-defaults.ts';
import { scalarsEqual } from './scalar-equality.ts';
import { isEffectivelyEmpty, isEmptyValue, isPlainObject, isZeroScalar, pruneNulls } from './values.ts';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export interface PathSet {
  has(path: FieldPath): boolean;
  hasPrefix(path: FieldPath): boolean;
}

export interface ProjectOptions {
  kind: string;
  /** Object of a kube-apiserver group (typed, defaulted); false for custom resources. */
  builtin: boolean;
  /** Fields we applied before; computed lazily, only when a live-only field needs the answer. */
  owned?: () => PathSet | undefined;
  /** Fields owned by managers the ignore rules trust: live wins there. */
  ignored?: PathSet;
}

export interface Projection {
  desired: Record<string, unknown>;
  live: Record<string, unknown>;
  changed: boolean;
}

/** map[string]string fields: an entry with value "" is stored, so it is not a dropped zero value. */
const STRING_MAPS = new Set(['labels', 'annotations', 'data', 'binaryData', 'stringData', 'matchLabels', 'nodeSelector', 'selector']);

const META_COMPARED = ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const;
const ROOT_SKIPPED = new Set(['apiVersion', 'kind', 'metadata', 'status']);

export function project(desired: Record<string, unknown>, live: Record<string, unknown>, opts: ProjectOptions): Projection {
  const w = new Walker(opts);
  const [d, l] = w.root(desired, live);
  return { desired: d, live: l, changed: w.changed };
}

interface SchemaFacts {
  atomicMap: boolean;
  listType: ListType | undefined;
}
/** Per kind: field path → schema facts. Paths include data keys (labels, ConfigMap keys), so each
 * kind's cache is dropped when it grows past SCHEMA_CACHE_MAX to keep a long-running worker bounded. */
const schemaCache = new Map<string, Map<string, SchemaFacts>>();
const SCHEMA_CACHE_MAX = 4096;

class Walker {
  changed = false;
  /** fieldsV1 path of the current value. */
  private readonly path: string[] = [];
  /** Field names of the current value (list items add nothing), for schema lookups. */
  private readonly names: string[] = [];
  /** names.length where the enclosing atomic list item / atomic map starts; -1 outside. */
  private atomicBase = -1;
  private ownedSet: PathSet | undefined | null = null;
  /** names joined as a cache key, one entry per depth ('' at the root). */
  private readonly keys: string[] = [''];
  private readonly cache: Map<string, SchemaFacts>;

  constructor(private readonly o: ProjectOptions) {
    let c = schemaCache.get(o.kind);
    if (!c) schemaCache.set(o.kind, (c = new Map()));
    this.cache = c;
  }

  root(d: Record<string, unknown>, l: Record<string, unknown>): [Record<string, unknown>, Record<string, unknown>] {
    const dn: Record<string, unknown> = { apiVersion: d.apiVersion, kind: d.kind };
    const ln: Record<string, unknown> = { apiVersion: d.apiVersion, kind: d.kind };
    const dmd = (isPlainObject(d.metadata) ? d.metadata : {}) as Record<string, unknown>;
    const lmd = (isPlainObject(l.metadata) ? l.metadata : {}) as Record<string, unknown>;
    const dm: Record<string, unknown> = {};
    const lm: Record<string, unknown> = {};
    for (const id of ['name', 'generateName', 'namespace']) {
      if (dmd[id] !== undefined && dmd[id] !== null) dm[id] = lm[id] = dmd[id];
    }
    this.enter('metadata');
    for (const f of META_COMPARED) {
      let dv = dmd[f];
      const lv = lmd[f];
      if (f === 'annotations' && isPlainObject(dv) && LAST_APPLIED in dv) {
        dv = { ...dv };
        delete (dv as Record<string, unknown>)[LAST_APPLIED];
      }
      const isMap = f === 'labels' || f === 'annotations';
      if (isEmptyValue(dv) && !(isMap && isPlainObject(lv))) continue; // lists: only compared when set
      this.enter(f);
      const [a, b] = this.value(isEmptyValue(dv) ? {} : dv, lv, false);
      this.leave();
      if (!isEmptyValue(a) || !isEmptyValue(b)) {
        dm[f] = a;
        if (b !== undefined) lm[f] = b;
      }
    }
    this.leave();
    dn.metadata = dm;
    ln.metadata = lm;
    for (const k in d) {
      if (ROOT_SKIPPED.has(k)) continue;
      const dv = d[k];
      if (dv === null || dv === undefined || (Array.isArray(dv) && dv.length === 0)) continue;
      this.enter(k);
      const [a, b] = this.value(dv, l[k], false);
      this.leave();
      dn[k] = a;
      if (b !== undefined) ln[k] = b;
    }
    for (const k in l) {
      if (ROOT_SKIPPED.has(k) || k in dn) continue;
      this.removal(k, l[k], ln);
    }
    return [dn, ln];
  }

  private enter(name: string): void {
    this.path.push(`f:${name}`);
    this.names.push(name);
    this.keys.push(`${this.keys[this.keys.length - 1]}/${name}`);
  }

  private leave(): void {
    this.path.pop();
    this.names.pop();
    this.keys.pop();
  }

  /** Schema facts for the current field path, memoized per kind and path. */
  private schema(): SchemaFacts {
    const key = this.keys[this.keys.length - 1]!;
    let facts = this.cache.get(key);
    if (!facts) {
      facts = {
        atomicMap: this.o.builtin && isAtomicMap(this.o.kind, this.names),
        listType: listTypeAt(this.o.kind, this.names),
      };
      if (this.cache.size >= SCHEMA_CACHE_MAX) this.cache.clear();
      this.cache.set(key, facts);
    }
    return facts;
  }

  private value(d: unknown, l: unknown, strict: boolean): [unknown, unknown] {
    if (!strict && this.o.ignored && this.path.length > 0 && this.o.ignored.has(this.path)) {
      const v = l === undefined ? d : l;
      return [v, v];
    }
    if (Array.isArray(d)) return this.list(d, l, strict);
    if (isPlainObject(d)) return this.map(d, l, strict);
    return this.leaf(d, l);
  }

  private map(d: Record<string, unknown>, l: unknown, strict: boolean): [unknown, unknown] {
    if (!isPlainObject(l)) {
      const dn = pruneNulls(d);
      if ((l === undefined || l === null) && isEffectivelyEmpty(dn)) return [dn, dn];
      this.changed = true;
      return [dn, l ?? undefined];
    }
    let sub = strict;
    const base = this.atomicBase;
    if (!strict && this.o.builtin && this.schema().atomicMap) {
      sub = true;
      this.atomicBase = this.names.length;
    }
    const dn: Record<string, unknown> = {};
    const ln: Record<string, unknown> = {};
    for (const k in d) {
      const dv = d[k];
      if (dv === null || dv === undefined || (Array.isArray(dv) && dv.length === 0)) continue;
      this.enter(k);
      const [a, b] = this.value(dv, l[k], sub);
      this.leave();
      dn[k] = a;
      if (b !== undefined) ln[k] = b;
    }
    for (const k in l) {
      if (k in dn) continue;
      const lv = l[k];
      if (isEmptyValue(lv)) continue;
      if (sub) {
        if (!this.tolerated(k, lv)) {
          this.changed = true;
          ln[k] = lv;
        }
        continue;
      }
      this.removal(k, lv, ln);
    }
    this.atomicBase = base;
    return [dn, ln];
  }

  /** Live field `k` that desired does not set: drift when we owned it (and no trusted manager does). */
  private removal(k: string, lv: unknown, ln: Record<string, unknown>): void {
    if (isEmptyValue(lv) || this.skipRemoval(k)) return;
    const el = `f:${k}`;
    if (!this.ownedPrefix(el) || this.ignoredPrefix(el)) return;
    this.enter(k);
    ln[k] = this.ownedPart(lv);
    this.leave();
    this.changed = true;
  }

  private skipRemoval(k: string): boolean {
    // Ownership marks are added at apply time, not rendered; the annotation is kubectl's bookkeeping.
    const n = this.names;
    return n.length === 2 && n[0] === 'metadata' && (n[1] === 'labels' || n[1] === 'annotations') &&
      (k.startsWith(PREFIX) || k === LAST_APPLIED);
  }

  private tolerated(k: string, v: unknown): boolean {
    if (!this.o.builtin) return true;
    const base = this.atomicBase;
    const container = base > 0 ? this.names[base - 1]! : '';
    const rel = base >= 0 ? [...this.names.slice(base), k].join('.') : k;
    return isServerDefault(container, rel, k, v);
  }

  private list(d: unknown[], l: unknown, strict: boolean): [unknown, unknown] {
    if (!Array.isArray(l)) {
      const dn = pruneNulls(d) as unknown[];
      if ((l === undefined || l === null) && dn.length === 0) return [dn, dn];
      this.changed = true;
      return [dn, l ?? undefined];
    }
    const lt = strict ? undefined : this.schema().listType;
    if (lt?.ssaKeys) return this.keyedList(d, l, lt.ssaKeys);
    if (lt?.set) return this.setList(d, l);
    // Atomic: compare whole, item by item.
    const base = this.atomicBase;
    if (!strict) this.atomicBase = this.names.length;
    const dn: unknown[] = [];
    const ln: unknown[] = [];
    for (let i = 0; i < d.length; i++) {
      const [a, b] = this.value(d[i], l[i], true);
      dn.push(a);
      if (b !== undefined) ln.push(b);
    }
    for (let i = d.length; i < l.length; i++) {
      if (this.o.builtin && isAdmissionAddedItem(this.o.kind, this.names, l[i])) continue;
      this.changed = true;
      ln.push(l[i]);
    }
    this.atomicBase = base;
    return [dn, ln];
  }

  private keyedList(d: unknown[], l: unknown[], keys: string[]): [unknown, unknown] {
    const byKey = new Map<string, unknown>();
    for (const it of l) {
      const k = itemKey(it, keys);
      if (k !== undefined && !byKey.has(k)) byKey.set(k, it);
    }
    const used = new Set<string>();
    const dn: unknown[] = [];
    const ln: unknown[] = [];
    for (const it of d) {
      if (it === null || it === undefined) continue;
      const k = itemKey(it, keys);
      const li = k === undefined ? undefined : byKey.get(k);
      if (k !== undefined) used.add(k);
      this.path.push(itemElement(li ?? it, keys));
      const [a, b] = this.value(it, li, false);
      this.path.pop();
      dn.push(a);
      if (b !== undefined) ln.push(b);
    }
    for (const it of l) {
      const k = itemKey(it, keys);
      if (k === undefined || used.has(k)) continue;
      const el = itemElement(it, keys);
      if (!this.ownedPrefix(el) || this.ignoredPrefix(el)) continue;
      this.path.push(el);
      ln.push(this.ownedPart(it));
      this.path.pop();
      this.changed = true;
    }
    return [dn, ln];
  }

  private setList(d: unknown[], l: unknown[]): [unknown, unknown] {
    const dn = d.filter((x) => x !== null && x !== undefined);
    const ln: unknown[] = [];
    for (const x of dn) {
      if (l.some((y) => scalarsEqual(x, y))) ln.push(x);
      else this.changed = true;
    }
    for (const y of l) {
      if (dn.some((x) => scalarsEqual(x, y))) continue;
      const el = valueElement(y);
      if (this.ownedPrefix(el) && !this.ignoredPrefix(el)) {
        ln.push(y);
        this.changed = true;
      }
    }
    return [dn, ln];
  }

  private leaf(d: unknown, l: unknown): [unknown, unknown] {
    if (d === l) return [d, d];
    if (l === undefined || l === null) {
      if (this.o.builtin && isZeroScalar(d)) {
        const inStringMap = STRING_MAPS.has(this.names[this.names.length - 2]!);
        // Struct fields: omitempty drops Go zero values. String/byte map entries: stored even when
        // empty, and a live `null` value is that empty value (Go decodes null as "" / empty []byte).
        if (!inStringMap || (l === null && d === '')) return [d, d];
      }
      this.changed = true;
      return [d, undefined];
    }
    if (scalarsEqual(d, l, this.o.builtin ? this.names : undefined)) return [d, d];
    this.changed = true;
    return [d, l];
  }

  private owned(): PathSet | undefined {
    if (this.ownedSet === null) this.ownedSet = this.o.owned?.();
    return this.ownedSet;
  }

  private ownedPrefix(el: string): boolean {
    const owned = this.owned();
    if (!owned) return false;
    this.path.push(el);
    let r = owned.hasPrefix(this.path);
    // Secret stringData is stored merged into data; an applied stringData key owns that data key.
    if (!r && this.o.kind === 'Secret' && this.path[0] === 'f:data') {
      r = owned.hasPrefix(['f:stringData', ...this.path.slice(1)]);
    }
    this.path.pop();
    return r;
  }

  private ignoredPrefix(el: string): boolean {
    if (!this.o.ignored) return false;
    this.path.push(el);
    const r = this.o.ignored.hasPrefix(this.path);
    this.path.pop();
    return r;
  }

  /** The part of live value `lv` (at the current path) that we owned. */
  private ownedPart(lv: unknown): unknown {
    const owned = this.owned();
    if (!owned) return lv;
    if (isPlainObject(lv)) {
      const out: Record<string, unknown> = {};
      let any = false;
      for (const k in lv) {
        if (!this.ownedPrefix(`f:${k}`)) continue;
        this.enter(k);
        out[k] = this.ownedPart(lv[k]);
        this.leave();
        any = true;
      }
      return any ? out : lv; // owned as a whole (leaf, atomic map)
    }
    if (Array.isArray(lv)) {
      const lt = this.schema().listType;
      if (!lt?.ssaKeys) return lv;
      const out: unknown[] = [];
      for (const it of lv) {
        const el = itemElement(it, lt.ssaKeys);
        if (!this.ownedPrefix(el)) continue;
        this.path.push(el);
        out.push(this.ownedPart(it));
        this.path.pop();
      }
      return out.length ? out : lv;
    }
    return lv;
  }
}

/**
 * Identity of a keyed-list item. Loose on scalar types on purpose: a desired `containerPort: "8080"`
 * is matched with the live 8080 item so the diff shows that one value as changed (the API server
 * would reject the string) instead of a whole item added and another removed. Protocol defaults to
 * TCP as the API server defaults it. undefined for non-object items.
 */
function itemKey(item: unknown, keys: readonly string[]): string | undefined {
  if (!isPlainObject(item)) return undefined;
  let s = '';
  for (const k of keys) {
    const v = item[k] ?? (k === 'protocol' ? 'TCP' : undefined);
    s += `${v === undefined ? '' : String(v)}\u0000`;
  }
  return s;
}

const GO_ESCAPED = /[<>&\u2028\u2029]/;

/** The k: element naming a keyed-list item, as the API server writes it (key names sorted). */
function itemElement(item: unknown, keys: readonly string[]): string {
  if (!isPlainObject(item)) return valueElement(item);
  const sorted = keys.length === 1 ? keys : [...keys].sort();
  let s = 'k:{';
  for (let i = 0; i < sorted.length; i++) {
    const k = sorted[i]!;
    const v = item[k] ?? (k === 'protocol' ? 'TCP' : undefined);
    if (v === undefined) continue;
    const j = JSON.stringify(v);
    if (GO_ESCAPED.test(j) || GO_ESCAPED.test(k)) return keyElement(Object.fromEntries(keys.map((n) => [n, item[n] ?? (n === 'protocol' ? 'TCP' : undefined)])));
    s += `${s.length > 3 ? ',' : ''}${JSON.stringify(k)}:${j}`;
  }
  return `${s}}`;
}
