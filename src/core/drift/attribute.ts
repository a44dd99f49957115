// Who changed a drifted field: the managedFields entry of the live object that owns the field (a
// JSON pointer of the diff's patch, turned into a fieldsV1 path by walking the live object), newest
// first and ours last — `kubectl-scale` for a scaled Deployment, `kubectl-edit` for an edit, a
// controller's name for a controller. A field someone removed is owned by nobody any more: it is put
// on the object's newest writer other than us, marked as such.
import type { Operation } from 'fast-json-patch';
import type { KubeObject, ManagedFieldsEntry } from '../model/object.ts';
import { fieldElement } from '../fields/element.ts';
import { listItemElement, type PathElement } from '../fields/fieldset.ts';
import { FieldsV1Paths } from '../normalize/fieldsv1-paths.ts';
import { isPlainObject } from '../normalize/values.ts';

export interface FieldChange {
  /** JSON pointer of the drifted field (the diff's patch path). */
  path: string;
  /** What Git's state would do to the live field: add it back, remove it, or replace its value. */
  op: 'add' | 'remove' | 'replace';
  /** The field manager that last wrote it (managedFields), when known. */
  manager?: string;
  operation?: string;
  subresource?: string;
  /** RFC 3339 time of that manager's last write. */
  time?: string;
  /** True when no entry owns the field (it was removed): manager is the object's newest other writer. */
  lastWriter?: boolean;
}

const unescape = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');

/** The fieldsV1 path of a JSON pointer into `live` (list items by key where the list has keys); undefined past what live holds. */
export function fieldPathOf(live: KubeObject, pointer: string): PathElement[] {
  const parts = pointer.split('/').slice(1).map(unescape);
  const out: PathElement[] = [];
  const names: string[] = [];
  let cur: unknown = live;
  for (const p of parts) {
    if (Array.isArray(cur)) {
      const i = Number(p);
      if (!Number.isInteger(i) || i < 0 || i >= cur.length) break;
      out.push(listItemElement(live.kind, names, cur[i], i));
      cur = cur[i];
    } else if (isPlainObject(cur)) {
      out.push(fieldElement(p));
      names.push(p);
      cur = cur[p];
      if (cur === undefined) break;
    } else break;
  }
  return out;
}

function newestFirst(a: ManagedFieldsEntry, b: ManagedFieldsEntry): number {
  return (b.time ?? '').localeCompare(a.time ?? '');
}

function owners(entries: ManagedFieldsEntry[], path: PathElement[]): ManagedFieldsEntry[] {
  if (path.length === 0) return [];
  return entries.filter((e) => isPlainObject(e.fieldsV1) && new FieldsV1Paths([e.fieldsV1 as Record<string, unknown>]).hasPrefix(path));
}

/** One FieldChange per patch operation (metadata the server keeps to itself is skipped). */
export function attributeChanges(patch: readonly Operation[], live: KubeObject | undefined, ourManager: string): FieldChange[] {
  const entries = [...(live?.metadata?.managedFields ?? [])].sort(newestFirst);
  const pick = (list: ManagedFieldsEntry[]) => list.find((e) => e.manager !== ourManager) ?? list[0];
  const out: FieldChange[] = [];
  for (const op of patch) {
    if (op.op !== 'add' && op.op !== 'remove' && op.op !== 'replace') continue;
    if (/^\/(metadata\/(managedFields|resourceVersion|generation|uid|creationTimestamp)|status)(\/|$)/.test(op.path)) continue;
    const change: FieldChange = { path: op.path, op: op.op };
    if (live) {
      let owner = pick(owners(entries, fieldPathOf(live, op.path)));
      // A field Git has and live lacks (someone removed it), or a path the walk could not follow.
      if (!owner || (op.op === 'add' && owner.manager === ourManager)) {
        owner = entries.find((e) => e.manager !== ourManager && e.operation === 'Update') ?? owner;
        if (owner) change.lastWriter = true;
      }
      if (owner?.manager) {
        change.manager = owner.manager;
        if (owner.operation) change.operation = owner.operation;
        if (owner.subresource) change.subresource = owner.subresource;
        if (owner.time) change.time = owner.time;
      }
    }
    out.push(change);
  }
  return out;
}
