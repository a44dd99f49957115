export { syncApp, explainApplyError } from './sync-app.ts';
export { diffApp } from './diff-app.ts';
export { prepareDesired, PRUNE_SCAN_KINDS } from './prepare.ts';
export type { SyncOptions, SyncResult, ResourceResult, SyncOutcome, SyncAction, SyncPhase, DiffAppOptions, DiffAppResult } from './types.ts';
