// metadata.managedFields <-> per-manager field sets. Identity of an entry follows the API server:
// manager + operation + subresource, plus apiVersion for Update entries.
import type { ManagedFieldsEntry } from '../../../src/core/model/object.ts';
import { FieldSet, type Path } from './field-set.ts';

/** Fields the API server never records an owner for (fieldmanager's stripMeta). */
const SERVER_OWNED: readonly Path[] = [
  ['f:apiVersion'], ['f:kind'], ['f:metadata'],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields',
    'resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds'].map((f) => ['f:metadata', `f:${f}`]),
];
const SERVER_OWNED_SET = FieldSet.of(SERVER_OWNED);

export interface ManagerSet {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  time?: string;
  /** Treated as immutable: operations build new sets, so decoded sets can be cached and shared. */
  set: FieldSet;
  /** The fieldsV1 this set was decoded from, reused when the set is written back unchanged. */
  raw?: unknown;
}

// Decoded sets per managedFields entry object: stored objects keep their entries, so the next write
// to an object decodes nothing. Entries are never mutated in place (writes build new ones).
const decoded = new WeakMap<object, FieldSet>();

function setOf(e: ManagedFieldsEntry): FieldSet {
  const fv = e.fieldsV1 as object | undefined;
  const key = fv && typeof fv === 'object' ? fv : undefined;
  let set = key ? decoded.get(key) : undefined;
  if (!set) {
    set = FieldSet.fromFieldsV1(e.fieldsV1);
    if (key) decoded.set(key, set);
  }
  return set;
}

/** `set` minus the members of `others`; the same object when nothing is removed (sets are immutable here). */
export function without(set: FieldSet, ...others: FieldSet[]): FieldSet {
  let out = set;
  for (const o of others) {
    // Walk the smaller side: `has` on a trie is cheap, rebuilding a set is not.
    if (o.isEmpty() || !(o.size <= out.size ? o.paths().some((p) => out.has(p)) : out.paths().some((p) => o.has(p)))) continue;
    out = out.difference(o);
  }
  return out;
}

export function managerId(m: { manager: string; operation: string; apiVersion: string; subresource?: string }): string {
  return JSON.stringify([m.manager, m.operation, m.operation === 'Update' ? m.apiVersion : '', m.subresource ?? '']);
}

export function decodeManagedFields(entries: readonly ManagedFieldsEntry[] | undefined): Map<string, ManagerSet> {
  const out = new Map<string, ManagerSet>();
  for (const e of entries ?? []) {
    const m: ManagerSet = {
      manager: e.manager ?? '',
      operation: e.operation === 'Apply' ? 'Apply' : 'Update',
      apiVersion: e.apiVersion ?? '',
      ...(e.subresource ? { subresource: e.subresource } : {}),
      ...(e.time ? { time: e.time } : {}),
      set: setOf(e),
      raw: e.fieldsV1,
    };
    out.set(managerId(m), m);
  }
  return out;
}

/**
 * Entries sorted as the API server sorts them (operation, time, manager, apiVersion, subresource);
 * empty sets dropped; a manager's time moves to `now` only when its set or apiVersion changed.
 */
export function encodeManagedFields(
  managers: Map<string, ManagerSet>,
  before: Map<string, ManagerSet>,
  now: string,
  actor: string,
): ManagedFieldsEntry[] {
  const list: ManagerSet[] = [];
  for (const [id, m] of managers) {
    const set = stripServerOwned(m.set);
    if (set.isEmpty()) continue;
    const prev = before.get(id);
    const unchanged = prev !== undefined && prev.apiVersion === m.apiVersion && (prev.set === set || prev.set.equals(set));
    // Writes through /scale are tracked on the Scale object and converted back without a time.
    const time = m.subresource === 'scale' && m.operation === 'Update' ? undefined : unchanged ? prev.time : id === actor ? now : (m.time ?? now);
    list.push({ ...m, set, raw: unchanged ? prev.raw : undefined, time });
  }
  list.sort((a, b) =>
    cmp(a.operation, b.operation) || cmp(secs(a.time), secs(b.time)) || cmp(a.manager, b.manager) ||
    cmp(a.apiVersion, b.apiVersion) || cmp(a.subresource ?? '', b.subresource ?? ''));
  return list.map((m) => {
    const fieldsV1 = (m.raw as Record<string, unknown> | undefined) ?? m.set.toFieldsV1();
    decoded.set(fieldsV1, m.set);
    return {
      manager: m.manager,
      operation: m.operation,
      apiVersion: m.apiVersion,
      ...(m.time ? { time: m.time } : {}),
      fieldsType: 'FieldsV1',
      fieldsV1,
      ...(m.subresource ? { subresource: m.subresource } : {}),
    };
  });
}

export function stripServerOwned(set: FieldSet): FieldSet {
  return SERVER_OWNED.some((p) => set.has(p)) ? set.difference(SERVER_OWNED_SET) : set;
}

function secs(t: string | undefined): number {
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

function cmp(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
