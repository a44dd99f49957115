// Which fields of a live object we applied before, and which trusted managers own.
import type { KubeObject } from '../model/object.ts';
import { AppliedObjectPaths, FieldsV1Paths } from './fieldsv1-paths.ts';
import { LAST_APPLIED, type PathSet } from './project.ts';
import { isPlainObject } from './values.ts';

/**
 * Fields the `fieldManager` Apply entry of managedFields records (the main resource, not status).
 * Without such an entry (objects last applied by client-side `kubectl apply`), the fields of
 * kubectl's last-applied-configuration annotation, as server-side apply would have recorded them.
 * The annotation is only a fallback: our own server-side applies do not update it, so once an
 * Apply entry exists it is the truth and a stale annotation must not resurrect old fields.
 */
export function ownedFields(live: KubeObject, fieldManager: string): PathSet | undefined {
  const entries = (live.metadata?.managedFields ?? []).filter(
    (e) => e.manager === fieldManager && e.operation === 'Apply' && !e.subresource,
  );
  if (entries.length > 0) return new FieldsV1Paths(entries.map((e) => (isPlainObject(e.fieldsV1) ? e.fieldsV1 : {})));
  const raw = live.metadata?.annotations?.[LAST_APPLIED];
  if (typeof raw !== 'string' || raw === '') return undefined;
  try {
    return new AppliedObjectPaths(JSON.parse(raw));
  } catch {
    return undefined; // a corrupt annotation says nothing reliable
  }
}

/** Fields owned in `live` by any of `managers` (any operation), like Argo CD's managedFieldsManagers. */
export function fieldsOfManagers(live: KubeObject, managers: readonly string[]): PathSet | undefined {
  if (managers.length === 0) return undefined;
  const roots = (live.metadata?.managedFields ?? [])
    .filter((e) => e.manager && managers.includes(e.manager) && !e.subresource && isPlainObject(e.fieldsV1))
    .map((e) => e.fieldsV1 as Record<string, unknown>);
  return roots.length ? new FieldsV1Paths(roots) : undefined;
}
