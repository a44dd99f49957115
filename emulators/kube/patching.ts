// The write-merge operations the server uses, from ./merge/ (server-side apply, strategic merge,
// JSON merge/JSON patch, managedFields tracking).
export {
  ApplyConflictError, MergeError, jsonMergePatch, jsonPatch, serverSideApply, strategicMergePatch, trackUpdate,
} from './merge/index.ts';
