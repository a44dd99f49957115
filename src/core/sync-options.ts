// Per-resource sync options, `driftguard.dev/sync-options: A=b,C=d` (Argo CD's names where they exist):
//   Prune=false      never pruned when no longer desired;
//   Delete=false     never deleted by Driftguard at all: not pruned, not when the app is removed;
//   PruneLast=true   pruned after every other prune of the sync;
//   Replace=true     an update SSA cannot make (immutable fields) is done by deleting and re-creating;
//   Force=true       Replace=true, and field conflicts with other managers are taken over;
//   ServerSideApply=force|fail   field conflicts with other managers: take the fields over (default) or
//                    fail naming the other manager (`ServerSideApply=true` is accepted: every write is SSA);
//   Validate=false   the API server does not reject unknown fields (fieldValidation=Ignore; default Strict).
import { SYNC_OPTIONS_ANNOTATION } from './ownership.ts';
import type { KubeObject } from './model/object.ts';

export interface SyncOptionSet {
  prune: boolean;
  delete: boolean;
  pruneLast: boolean;
  replace: boolean;
  force: boolean;
  conflicts: 'force' | 'fail';
  validate: boolean;
}

export const DEFAULT_SYNC_OPTIONS: SyncOptionSet = { prune: true, delete: true, pruneLast: false, replace: false, force: false, conflicts: 'force', validate: true };

const BOOLEAN: Record<string, keyof SyncOptionSet> = { Prune: 'prune', Delete: 'delete', PruneLast: 'pruneLast', Replace: 'replace', Force: 'force', Validate: 'validate' };

/** The object's sync options, or the first invalid one as an error message. */
export function parseSyncOptions(obj: KubeObject): { options: SyncOptionSet } | { error: string } {
  const raw = obj.metadata?.annotations?.[SYNC_OPTIONS_ANNOTATION];
  const options = { ...DEFAULT_SYNC_OPTIONS };
  for (const item of (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name = '', value = '', ...rest] = item.split('=');
    const bool = BOOLEAN[name];
    if (bool && rest.length === 0 && (value === 'true' || value === 'false')) {
      (options[bool] as boolean) = value === 'true';
    } else if (name === 'ServerSideApply' && rest.length === 0 && ['force', 'fail', 'true'].includes(value)) {
      options.conflicts = value === 'fail' ? 'fail' : 'force';
    } else {
      return { error: `${SYNC_OPTIONS_ANNOTATION}: "${item}" is not a sync option (Prune=false, Delete=false, PruneLast=true, Replace=true, Force=true, ServerSideApply=force|fail, Validate=false)` };
    }
  }
  if (options.force) options.replace = true;
  return { options };
}

/** The object's sync options; invalid ones count as the defaults (they are reported before a sync writes). */
export function syncOptionsOf(obj: KubeObject): SyncOptionSet {
  const p = parseSyncOptions(obj);
  return 'options' in p ? p.options : { ...DEFAULT_SYNC_OPTIONS, ...lenient(obj) };
}

/** Prune=false/Delete=false still protect an object whose other options are invalid. */
function lenient(obj: KubeObject): Partial<SyncOptionSet> {
  const items = (obj.metadata?.annotations?.[SYNC_OPTIONS_ANNOTATION] ?? '').split(',').map((s) => s.trim());
  return { prune: !items.includes('Prune=false'), delete: !items.includes('Delete=false') };
}
