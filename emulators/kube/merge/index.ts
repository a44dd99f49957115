// The emulator's write-merge semantics: server-side apply with managedFields, ownership tracking for
// non-apply writes, strategic merge / JSON merge / JSON patch. Written from the Kubernetes semantics
// (structured-merge-diff, apiserver fieldmanager) and typed by the emulator's own OpenAPI schemas;
// it shares no code with Driftguard, so the product's field logic is checked, not repeated.
export { serverSideApply, type ApplyOptions } from './server-side-apply.ts';
export { trackUpdate } from './track-update.ts';
export { strategicMergePatch } from './strategic-merge-patch.ts';
export { jsonMergePatch, jsonPatch } from './json-patches.ts';
export { ApplyConflictError, MergeError, type ApplyConflict } from './errors.ts';
export { FieldSet } from './field-set.ts';
export { builtinType, customResourceType, type Type, type TypeResolver } from './types.ts';
