export { syncApp, explainApplyError } from './sync-app.ts';
export { diffApp } from './diff-app.ts';
export { prepareDesired, PRUNE_SCAN_KINDS } from './prepare.ts';
export type { SyncOptions, SyncResult, ResourceResult, SyncOutcome, SyncAction, SyncPhase, DiffAppOptions, DiffAppResult } from './types.ts';
export { inventoryName, readInventory, INVENTORY_LABEL, type Inventory } from './inventory.ts';
export type { NamespaceState } from './live.ts';
