// Server-side apply as the API server runs structured-merge-diff (merge.go Updater.Apply):
// merge the applied config into live, record the config's field set as the manager's Apply entry,
// remove what the manager applied before and no longer applies unless another manager owns it,
// and refuse (409) to change fields other managers own unless forced, which moves ownership.
import type { KubeObject } from '../../../src/core/model/object.ts';
import { FieldSet, pathString } from './field-set.ts';
import { ApplyConflictError, MergeError, type ApplyConflict } from './errors.ts';
import { decodeManagedFields, encodeManagedFields, managerId, without, type ManagerSet } from './managed-fields.ts';
import { resetFieldsFor } from './reset-fields.ts';
import { compare, ensureNamedFieldsAreMembers, merge, removeItems, toFieldSet } from './typed.ts';
import { builtinTypes, type TypeResolver } from './types.ts';

export interface ApplyOptions {
  manager: string;
  force: boolean;
  /** RFC 3339 time recorded for the manager when its fields change. */
  now: string;
  subresource?: string;
  /** Root types of objects; built-in kinds by default, the API adds custom resources. */
  types?: TypeResolver;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function serverSideApply(live: KubeObject | undefined, applied: KubeObject, opts: ApplyOptions): KubeObject {
  validateApplied(live, applied, opts);
  const kind = applied.kind;
  const type = (opts.types ?? builtinTypes)(applied.apiVersion, kind);
  const skip = resetFieldsFor(kind, opts.subresource);

  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(applied)) if (!skip(k)) config[k] = v;
  const configSet = toFieldSet(config, type, { allowDuplicates: false });

  // Objects are plain JSON: a JSON round trip is much faster than structuredClone in V8.
  const base: Record<string, unknown> = live ? JSON.parse(JSON.stringify(live)) : { apiVersion: applied.apiVersion, kind, metadata: {} };
  delete (base.metadata as Record<string, unknown>).managedFields;
  const merged = JSON.parse(JSON.stringify(merge(base, config, type))) as KubeObject;
  merged.apiVersion = applied.apiVersion;

  const before = decodeManagedFields(live?.metadata.managedFields);
  const managers = cloneManagers(before);
  const actorId = managerId({ manager: opts.manager, operation: 'Apply', apiVersion: applied.apiVersion, subresource: opts.subresource });
  const lastSet = before.get(actorId)?.set ?? FieldSet.empty();
  managers.set(actorId, {
    manager: opts.manager,
    operation: 'Apply',
    apiVersion: applied.apiVersion,
    ...(opts.subresource ? { subresource: opts.subresource } : {}),
    ...(before.get(actorId)?.time ? { time: before.get(actorId)!.time! } : {}),
    set: configSet,
  });

  // Prune: what the manager applied last time and nobody owns now goes, with everything below it.
  if (!lastSet.isEmpty()) {
    let owned = FieldSet.empty();
    for (const m of managers.values()) owned = owned.union(m.set);
    owned = ensureNamedFieldsAreMembers(owned, type);
    const last = ensureNamedFieldsAreMembers(lastSet, type);
    const drop = last.difference(owned);
    if (!drop.isEmpty()) removeItems(merged as Record<string, unknown>, drop, type);
  }

  const cmp = compare(base, merged, type, skip);
  const changed = FieldSet.of([...cmp.modified, ...cmp.added]);
  const removed = FieldSet.of(cmp.removed);
  const conflicts: ApplyConflict[] = [];
  const lost = new Map<string, FieldSet>();
  for (const [id, m] of managers) {
    if (id === actorId || changed.isEmpty()) continue;
    const clash = m.set.intersection(changed);
    if (clash.isEmpty()) continue;
    lost.set(id, clash);
    for (const p of clash.paths()) {
      conflicts.push({ manager: m.manager, operation: m.operation, path: pathString(p), apiVersion: m.apiVersion, ...(m.subresource ? { subresource: m.subresource } : {}) });
    }
  }
  if (conflicts.length > 0 && !opts.force) throw new ApplyConflictError(conflicts);
  for (const [id, m] of managers) {
    if (id === actorId) continue;
    m.set = without(m.set, lost.get(id) ?? FieldSet.empty(), removed);
  }

  merged.metadata.managedFields = encodeManagedFields(managers, before, opts.now, actorId);
  return merged;
}

function validateApplied(live: KubeObject | undefined, applied: KubeObject, opts: ApplyOptions): void {
  if (!isObj(applied)) throw new MergeError(400, 'BadRequest', 'the apply patch must be an object');
  if (typeof applied.apiVersion !== 'string' || applied.apiVersion === '') {
    throw new MergeError(400, 'BadRequest', 'error decoding YAML: Object \'apiVersion\' is missing in the applied configuration');
  }
  if (typeof applied.kind !== 'string' || applied.kind === '') {
    throw new MergeError(400, 'BadRequest', 'error decoding YAML: Object \'Kind\' is missing in the applied configuration');
  }
  if (!isObj(applied.metadata)) throw new MergeError(400, 'BadRequest', 'metadata is required in the applied configuration');
  if (applied.metadata.managedFields !== undefined && applied.metadata.managedFields !== null) {
    throw new MergeError(400, 'BadRequest', 'metadata.managedFields must be nil');
  }
  if (!opts.manager) throw new MergeError(400, 'BadRequest', 'PATCH, application/apply-patch+yaml requires fieldManager to be set');
  if (live && live.kind !== applied.kind) {
    throw new MergeError(400, 'BadRequest', `the kind of the applied configuration (${applied.kind}) does not match the object (${live.kind})`);
  }
}

/** A copy of the manager map; sets are shared (they are never mutated, only replaced). */
export function cloneManagers(src: Map<string, ManagerSet>): Map<string, ManagerSet> {
  const out = new Map<string, ManagerSet>();
  for (const [id, m] of src) out.set(id, { ...m });
  return out;
}
