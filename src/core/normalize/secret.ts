// Secrets: compare what the API server stores, print nothing it stores.
import type { KubeObject } from '../model/object.ts';
import { isPlainObject } from './values.ts';

export function isSecret(obj: { apiVersion?: unknown; kind?: unknown } | undefined): boolean {
  return obj?.kind === 'Secret' && obj.apiVersion === 'v1';
}

/** stringData merged into data as base64, stringData dropped: what the API server does on write. */
export function mergeStringData<T extends KubeObject | Record<string, unknown>>(obj: T): T {
  const sd = (obj as Record<string, unknown>).stringData;
  if (!isPlainObject(sd)) return obj;
  const data: Record<string, unknown> = { ...(isPlainObject(obj.data) ? obj.data : {}) };
  for (const k in sd) {
    const v = sd[k];
    if (v === null || v === undefined) continue;
    data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  }
  const out = { ...obj, data } as Record<string, unknown>;
  delete out.stringData;
  return out as T;
}

export const MASK = '++++++++';

/**
 * Replace every data/stringData value with `++++++++ (value N)`. N is assigned in order of first
 * appearance (live keys sorted, then desired keys sorted), so equal values share a placeholder and
 * different values never do, within this one diff. N says nothing about the value itself.
 */
export function maskSecretValues(sides: Array<Record<string, unknown> | undefined>): void {
  const ids = new Map<string, number>();
  const placeholder = (v: unknown): string => {
    const key = typeof v === 'string' ? v : JSON.stringify(v);
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size + 1));
    return `${MASK} (value ${id})`;
  };
  for (const side of sides) {
    if (!side) continue;
    for (const field of ['data', 'stringData']) {
      const m = side[field];
      if (!isPlainObject(m)) continue;
      const masked: Record<string, unknown> = {};
      for (const k of Object.keys(m).sort()) masked[k] = placeholder(m[k]);
      side[field] = masked;
    }
  }
}

/** Mask the values inside a last-applied annotation too: it is a full copy of the Secret. */
export function maskAnnotations(side: Record<string, unknown> | undefined): void {
  const md = side?.metadata;
  if (!isPlainObject(md) || !isPlainObject(md.annotations)) return;
  const ann = md.annotations;
  if ('kubectl.kubernetes.io/last-applied-configuration' in ann) {
    md.annotations = { ...ann, 'kubectl.kubernetes.io/last-applied-configuration': MASK };
  }
}
