// Remove fields named by a FieldSet from an object: f: deletes a map entry, k:/v:/i: removes a
// list item. Maps and lists emptied by a removal are dropped (Go's omitempty does the same when the
// API server serializes the result).
import { itemMatches, type FieldPath } from '../../../src/core/fields/fieldset.ts';
import { keyFields } from '../../../src/core/fields/element.ts';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Remove each path (parents before children; children of removed paths are skipped). */
export function removePaths(obj: Record<string, unknown>, paths: readonly FieldPath[]): void {
  const removed: FieldPath[] = [];
  for (const p of paths) {
    if (removed.some((r) => r.length <= p.length && r.every((el, i) => el === p[i]))) continue;
    // never strip the key fields of an item that stays
    const parent = p[p.length - 2];
    const last = p[p.length - 1]!;
    if (parent?.startsWith('k:') && last.startsWith('f:') && last.slice(2) in keyFields(parent)!) continue;
    if (removeAt(obj, p, 0)) removed.push(p);
  }
}

function removeAt(cur: unknown, path: FieldPath, i: number): boolean {
  const el = path[i]!;
  const lastStep = i === path.length - 1;
  if (el.startsWith('f:')) {
    if (!isObj(cur)) return false;
    const name = el.slice(2);
    if (!(name in cur)) return false;
    if (lastStep) {
      delete cur[name];
      return true;
    }
    const done = removeAt(cur[name], path, i + 1);
    if (done && isEmpty(cur[name])) delete cur[name];
    return done;
  }
  if (!Array.isArray(cur)) return false;
  const idx = cur.findIndex((item, n) => itemMatches(el, item, n));
  if (idx < 0) return false;
  if (lastStep) {
    cur.splice(idx, 1);
    return true;
  }
  const done = removeAt(cur[idx], path, i + 1);
  return done;
}

function isEmpty(v: unknown): boolean {
  return (Array.isArray(v) && v.length === 0) || (isObj(v) && Object.keys(v).length === 0);
}
