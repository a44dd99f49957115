// Ownership for create/update/non-apply patches (structured-merge-diff Updater.Update): the fields
// that changed become the manager's (Update entry), and leave every other manager's set - this is
// how `kubectl scale` takes spec.replicas away from the applier.
import type { KubeObject } from '../../../src/core/model/object.ts';
import { FieldSet } from './field-set.ts';
import { compare, jsonEqual } from './typed.ts';
import { builtinTypes, type TypeResolver } from './types.ts';
import { decodeManagedFields, encodeManagedFields, managerId, stripServerOwned, without } from './managed-fields.ts';
import { resetFieldsFor } from './reset-fields.ts';
import { cloneManagers } from './server-side-apply.ts';

export function trackUpdate(
  old: KubeObject | undefined, next: KubeObject, manager: string, now: string, subresource?: string, types: TypeResolver = builtinTypes,
): KubeObject {
  const kind = next.kind;
  const type = types(next.apiVersion, kind);
  const skip = resetFieldsFor(kind, subresource);
  const before = decodeManagedFields(old?.metadata.managedFields);
  // A client that sends managedFields different from the stored ones replaces them ([] clears them).
  const sent = next.metadata.managedFields;
  const baseline = Array.isArray(sent) && !jsonEqual(sent, old?.metadata.managedFields ?? []) ? decodeManagedFields(sent) : before;
  const managers = cloneManagers(baseline);

  const oldBody = stripManaged(old);
  // Only metadata.managedFields of the result differs from `next`: copy the two levels that change.
  const out: KubeObject = { ...next, metadata: { ...next.metadata } };
  const nextBody = stripManaged(out);
  const cmp = compare(oldBody, nextBody, type, skip);
  // Server-owned metadata (resourceVersion, uid, ...) is never tracked: leave it out here, once.
  const changed = stripServerOwned(FieldSet.of([...cmp.modified, ...cmp.added]));
  const removed = FieldSet.of(cmp.removed);

  const actorId = managerId({ manager, operation: 'Update', apiVersion: next.apiVersion, subresource });
  for (const [id, m] of managers) {
    if (id !== actorId) m.set = without(m.set, changed, removed);
  }
  const prev = managers.get(actorId);
  managers.set(actorId, {
    manager,
    operation: 'Update',
    apiVersion: next.apiVersion,
    ...(subresource ? { subresource } : {}),
    ...(prev?.time ? { time: prev.time } : {}),
    set: without(addAll(prev?.set ?? FieldSet.empty(), changed), removed),
  });

  const entries = encodeManagedFields(managers, baseline, now, actorId);
  if (entries.length > 0) out.metadata.managedFields = entries;
  else delete out.metadata.managedFields;
  return out;
}

/** `set` plus `more`; the same object when `more` adds nothing (repeated status writes). */
function addAll(set: FieldSet, more: FieldSet): FieldSet {
  if (more.isEmpty() || more.paths().every((p) => set.has(p))) return set;
  return set.union(more);
}

function stripManaged(obj: KubeObject | undefined): Record<string, unknown> {
  if (!obj) return {};
  const meta = { ...obj.metadata };
  delete meta.managedFields;
  return { ...obj, metadata: meta };
}
