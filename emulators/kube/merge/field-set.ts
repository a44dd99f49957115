// Sets of field paths as structured-merge-diff keeps them for managedFields. A path element is
// written as in fieldsV1: `f:<name>`, `k:<JSON of the key fields, by name>`, `v:<JSON value>`, `i:<index>`.
// A set is a trie; a node is a member when its path is in the set. fieldsV1 writes a member that
// also has members below it with a `.` entry, and orders elements as SMD does (fields, keys,
// values, indices). JSON inside elements is written as Go's encoder writes it (HTML-safe escapes).

export type Element = string;
export type Path = readonly Element[];

export function goJSON(v: unknown): string {
  return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export const fieldEl = (name: string): Element => `f:${name}`;
export const valueEl = (v: unknown): Element => `v:${goJSON(v)}`;
export const indexEl = (i: number): Element => `i:${i}`;

export function keyEl(fields: Record<string, unknown>): Element {
  const names = Object.keys(fields).sort(byString);
  return `k:{${names.map((n) => `${goJSON(n)}:${goJSON(fields[n])}`).join(',')}}`;
}

/** An element from fieldsV1 in canonical spelling, or undefined for what SMD cannot parse. */
export function parseElement(raw: string): Element | undefined {
  const body = raw.slice(2);
  if (raw[1] !== ':') return undefined;
  try {
    switch (raw[0]) {
      case 'f': return raw;
      case 'i': return /^-?\d+$/.test(body) ? indexEl(Number(body)) : undefined;
      case 'v': return valueEl(JSON.parse(body));
      case 'k': {
        const o = JSON.parse(body) as unknown;
        return typeof o === 'object' && o !== null && !Array.isArray(o) ? keyEl(o as Record<string, unknown>) : undefined;
      }
      default: return undefined;
    }
  } catch {
    return undefined;
  }
}

export function keyOf(el: Element): Record<string, unknown> {
  return JSON.parse(el.slice(2)) as Record<string, unknown>;
}

function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const RANK: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** SMD's order of values: numbers, strings, booleans, lists, maps, null. */
function valueRank(v: unknown): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  return v === null ? 5 : 4;
}

function compareValue(a: unknown, b: unknown): number {
  const d = valueRank(a) - valueRank(b);
  if (d !== 0) return d;
  if (typeof a === 'number') return (a as number) - (b as number);
  if (typeof a === 'string') return byString(a, b as string);
  if (typeof a === 'boolean') return Number(a) - Number(b);
  if (Array.isArray(a)) {
    const bl = b as unknown[];
    for (let i = 0; i < Math.min(a.length, bl.length); i++) {
      const c = compareValue(a[i], bl[i]);
      if (c) return c;
    }
    return a.length - bl.length;
  }
  if (a === null) return 0;
  return compareFields(a as Record<string, unknown>, b as Record<string, unknown>);
}

function compareFields(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const an = Object.keys(a).sort(byString);
  const bn = Object.keys(b).sort(byString);
  for (let i = 0; i < Math.min(an.length, bn.length); i++) {
    const c = byString(an[i]!, bn[i]!) || compareValue(a[an[i]!], b[bn[i]!]);
    if (c) return c;
  }
  return an.length - bn.length;
}

export function compareElements(a: Element, b: Element): number {
  if (a === b) return 0;
  const r = RANK[a[0]!]! - RANK[b[0]!]!;
  if (r) return r;
  switch (a[0]) {
    case 'f': return byString(a, b);
    case 'i': return Number(a.slice(2)) - Number(b.slice(2));
    case 'v': return compareValue(JSON.parse(a.slice(2)), JSON.parse(b.slice(2)));
    default: return compareFields(keyOf(a), keyOf(b));
  }
}

/** `.spec.replicas`, `[name="nginx"]`, `[=x]`, `[0]`: the form conflict messages use. */
export function pathString(path: Path): string {
  return path.map((el) => {
    switch (el[0]) {
      case 'f': return `.${el.slice(2)}`;
      case 'k': return `[${Object.entries(keyOf(el)).map(([n, v]) => `${n}=${JSON.stringify(v)}`).join(',')}]`;
      case 'v': return `[=${el.slice(2)}]`;
      default: return `[${el.slice(2)}]`;
    }
  }).join('');
}

class Node {
  member = false;
  readonly kids = new Map<Element, Node>();
}

export class FieldSet {
  private readonly root = new Node();
  private n = 0;

  static empty(): FieldSet {
    return new FieldSet();
  }

  static of(paths: Iterable<Path>): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.add(p);
    return s;
  }

  /** Parse fieldsV1; elements SMD cannot parse are dropped as it drops them. */
  static fromFieldsV1(json: unknown): FieldSet {
    const s = new FieldSet();
    const walk = (o: unknown, prefix: Element[]): void => {
      if (typeof o !== 'object' || o === null || Array.isArray(o)) return;
      for (const [raw, child] of Object.entries(o)) {
        if (raw === '.') continue;
        const el = parseElement(raw);
        if (el === undefined) continue;
        const p = [...prefix, el];
        const keys = typeof child === 'object' && child !== null ? Object.keys(child) : [];
        if (keys.length === 0 || keys.includes('.')) s.add(p);
        walk(child, p);
      }
    };
    walk(json, []);
    return s;
  }

  get size(): number {
    return this.n;
  }

  isEmpty(): boolean {
    return this.n === 0;
  }

  add(path: Path): void {
    if (path.length === 0) return;
    let node = this.root;
    for (const el of path) {
      let next = node.kids.get(el);
      if (!next) { next = new Node(); node.kids.set(el, next); }
      node = next;
    }
    if (!node.member) { node.member = true; this.n++; }
  }

  has(path: Path): boolean {
    return this.find(path)?.member ?? false;
  }

  /** Whether `path` or anything below it is a member. */
  hasPrefix(path: Path): boolean {
    const node = this.find(path);
    return !!node && (node.member || node.kids.size > 0);
  }

  /** Members, parents before children, siblings in SMD order. */
  paths(): Path[] {
    const out: Path[] = [];
    const walk = (node: Node, prefix: Element[]): void => {
      for (const el of [...node.kids.keys()].sort(compareElements)) {
        const kid = node.kids.get(el)!;
        const p = [...prefix, el];
        if (kid.member) out.push(p);
        walk(kid, p);
      }
    };
    walk(this.root, []);
    return out;
  }

  union(o: FieldSet): FieldSet {
    if (o.isEmpty()) return this;
    if (this.isEmpty()) return o;
    return FieldSet.of([...this.paths(), ...o.paths()]);
  }

  difference(o: FieldSet): FieldSet {
    if (o.isEmpty() || this.isEmpty()) return this;
    const keep = this.paths().filter((p) => !o.has(p));
    return keep.length === this.n ? this : FieldSet.of(keep);
  }

  intersection(o: FieldSet): FieldSet {
    const [small, big] = this.n <= o.n ? [this, o] : [o, this];
    return FieldSet.of(small.paths().filter((p) => big.has(p)));
  }

  equals(o: FieldSet): boolean {
    return this === o || (this.n === o.n && this.paths().every((p) => o.has(p)));
  }

  toFieldsV1(): Record<string, unknown> {
    const emit = (node: Node, self: boolean): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      if (self && node.kids.size > 0) out['.'] = {};
      for (const el of [...node.kids.keys()].sort(compareElements)) {
        const kid = node.kids.get(el)!;
        out[el] = emit(kid, kid.member);
      }
      return out;
    };
    return emit(this.root, false);
  }

  private find(path: Path): Node | undefined {
    let node: Node | undefined = this.root;
    for (const el of path) {
      node = node.kids.get(el);
      if (!node) return undefined;
    }
    return node;
  }
}
