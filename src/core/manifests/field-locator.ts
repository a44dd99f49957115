// Field path → file:line:col inside a parsed YAML document, so a finding about
// `spec.template.spec.containers[0].ports` points at the `ports:` key, not at the document start.
// The locator keeps the document's node tree; nothing is computed until a path is asked for.
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { FieldLocator, FieldPath, SourceLocation } from '../model/object.ts';

type Ranged = { range?: [number, number, number] | null };

function keyMatches(key: unknown, name: string | number): boolean {
  const v = isScalar(key) ? key.value : key;
  return v === name || String(v) === String(name);
}

/** A locator over `node` (the object's mapping); `pos` turns a character offset into a location. */
export function fieldLocator(node: unknown, pos: (offset: number) => SourceLocation): FieldLocator {
  return (path: FieldPath) => {
    let cur: unknown = node;
    let found: SourceLocation | undefined;
    for (const step of path) {
      if (isMap(cur)) {
        const pair = cur.items.find((p) => keyMatches(p.key, step));
        if (!pair) break;
        const at = (pair.key as Ranged | null)?.range ?? (pair.value as Ranged | null)?.range;
        if (at) found = pos(at[0]);
        cur = pair.value;
      } else if (isSeq(cur) && typeof step === 'number') {
        const item = cur.items[step] as Node | undefined;
        if (!item) break;
        const at = (item as Ranged).range;
        if (at) found = pos(at[0]);
        cur = item;
      } else break;
    }
    return found;
  };
}
