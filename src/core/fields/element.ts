// Path elements as structured-merge-diff serializes them in managedFields (fieldsV1 keys):
//   f:<field name, raw>   k:<JSON object of key fields, names sorted>   v:<JSON value>   i:<index>
// and the total order SMD sorts them in (fields < keys < values < indices), which fixes the
// key order of the fieldsV1 JSON the API server writes.

export type ElementType = 'f' | 'k' | 'v' | 'i';

/** Go's encoding/json (as used by SMD through jsoniter's std-compatible config) escapes these. */
export function goJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A k: element from key fields; names sorted, undefined values dropped. */
export function keyElement(fields: Record<string, unknown>): string {
  const names = Object.keys(fields).filter((n) => fields[n] !== undefined).sort(compareStrings);
  return `k:{${names.map((n) => `${goJson(n)}:${goJson(fields[n])}`).join(',')}}`;
}

export function valueElement(value: unknown): string {
  return `v:${goJson(value)}`;
}

export function fieldElement(name: string): string {
  return `f:${name}`;
}

/**
 * The canonical form of a serialized element, or undefined for unknown types (SMD drops those)
 * and malformed ones.
 */
export function canonicalElement(raw: string): string | undefined {
  if (raw.length < 2 || raw[1] !== ':') return undefined;
  const body = raw.slice(2);
  switch (raw[0]) {
    case 'f':
      return raw;
    case 'i':
      return /^-?\d+$/.test(body) ? `i:${Number(body)}` : undefined;
    case 'v':
      try {
        return valueElement(JSON.parse(body));
      } catch {
        return undefined;
      }
    case 'k':
      try {
        const parsed = JSON.parse(body) as unknown;
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
        return keyElement(parsed as Record<string, unknown>);
      } catch {
        return undefined;
      }
    default:
      return undefined;
  }
}

export function elementType(el: string): ElementType {
  return el[0] as ElementType;
}

/** The field name of an f: element. */
export function fieldName(el: string): string | undefined {
  return el.startsWith('f:') ? el.slice(2) : undefined;
}

/** The key fields of a k: element. */
export function keyFields(el: string): Record<string, unknown> | undefined {
  return el.startsWith('k:') ? (JSON.parse(el.slice(2)) as Record<string, unknown>) : undefined;
}

export function elementValue(el: string): unknown {
  return el.startsWith('v:') ? JSON.parse(el.slice(2)) : undefined;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const TYPE_RANK: Record<ElementType, number> = { f: 0, k: 1, v: 2, i: 3 };

/** SMD's value order: numbers < strings < booleans < lists < maps < null. */
function valueRank(v: unknown): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null && typeof v === 'object') return 4;
  return 5;
}

export function compareValues(a: unknown, b: unknown): number {
  const ra = valueRank(a);
  const rb = valueRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0:
      return (a as number) - (b as number) < 0 ? -1 : a === b ? 0 : 1;
    case 1:
      return compareStrings(a as string, b as string);
    case 2:
      return a === b ? 0 : a ? 1 : -1;
    case 3: {
      const la = a as unknown[];
      const lb = b as unknown[];
      for (let i = 0; i < Math.min(la.length, lb.length); i++) {
        const c = compareValues(la[i], lb[i]);
        if (c !== 0) return c;
      }
      return la.length - lb.length;
    }
    case 4:
      return compareFieldLists(a as Record<string, unknown>, b as Record<string, unknown>);
    default:
      return 0;
  }
}

/** Sorted (name, value) lists compared pairwise, then by length. */
function compareFieldLists(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const na = Object.keys(a).sort(compareStrings);
  const nb = Object.keys(b).sort(compareStrings);
  for (let i = 0; i < Math.min(na.length, nb.length); i++) {
    const c = compareStrings(na[i]!, nb[i]!) || compareValues(a[na[i]!], b[nb[i]!]);
    if (c !== 0) return c;
  }
  return na.length - nb.length;
}

/** Total order of canonical elements, as SMD's PathElement.Compare. */
export function compareElements(a: string, b: string): number {
  if (a === b) return 0;
  const ta = elementType(a);
  const tb = elementType(b);
  if (ta !== tb) return TYPE_RANK[ta] - TYPE_RANK[tb];
  switch (ta) {
    case 'f':
      return compareStrings(a, b);
    case 'i':
      return Number(a.slice(2)) - Number(b.slice(2));
    case 'v':
      return compareValues(elementValue(a), elementValue(b));
    case 'k':
      return compareFieldLists(keyFields(a)!, keyFields(b)!);
  }
}

/** Human form used in conflict messages: `.spec.replicas`, `[name="nginx"]`, `[=x]`, `[0]`. */
export function elementString(el: string): string {
  switch (elementType(el)) {
    case 'f':
      return `.${el.slice(2)}`;
    case 'k': {
      const f = keyFields(el)!;
      return `[${Object.keys(f).map((n) => `${n}=${JSON.stringify(f[n])}`).join(',')}]`;
    }
    case 'v':
      return `[=${JSON.stringify(elementValue(el))}]`;
    case 'i':
      return `[${el.slice(2)}]`;
  }
}

export function pathString(path: readonly string[]): string {
  return path.map(elementString).join('');
}
