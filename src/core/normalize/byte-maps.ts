// Secret `data` and ConfigMap `binaryData` are map[string][]byte. The API server decodes each base64
// value with Go's encoding/base64, which ignores `\r` and `\n`, and stores it re-encoded on one line —
// so a value pasted from `base64` (which wraps at 76 columns) into a YAML block scalar is the same
// value as the one-line form the cluster returns.
import type { KubeObject } from '../model/object.ts';
import { isPlainObject } from './values.ts';

const BYTE_MAPS: Record<string, string> = { Secret: 'data', ConfigMap: 'binaryData' };
const NEWLINE = /[\r\n]/;

/** The object with line breaks removed from its []byte map values (same object when there are none). */
export function canonicalByteMaps<T extends KubeObject | Record<string, unknown>>(obj: T): T {
  const field = obj.apiVersion === 'v1' ? BYTE_MAPS[obj.kind as string] : undefined;
  if (!field) return obj;
  const m = (obj as Record<string, unknown>)[field];
  if (!isPlainObject(m)) return obj;
  let out: Record<string, unknown> | undefined;
  for (const k in m) {
    const v = m[k];
    if (typeof v !== 'string' || !NEWLINE.test(v)) continue;
    out ??= { ...m };
    out[k] = v.replace(/[\r\n]/g, '');
  }
  return out ? ({ ...obj, [field]: out } as T) : obj;
}
