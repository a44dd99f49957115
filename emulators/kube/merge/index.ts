// The emulator's write-merge semantics: server-side apply with managedFields, ownership tracking for
// non-apply writes, strategic merge / JSON merge / JSON patch.
export { serverSideApply, type ApplyOptions } from './server-side-apply.ts';
export { trackUpdate } from './track-update.ts';
export { strategicMergePatch } from './strategic-merge-patch.ts';
export { jsonMergePatch, jsonPatch } from './json-patches.ts';
export { ApplyConflictError, MergeError, type ApplyConflict } from './errors.ts';
export { compareObjects } from './compare.ts';
