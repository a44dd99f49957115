export { diffResource, isNamespacedKind } from './diff-resource.ts';
export { diffObjects } from './diff-objects.ts';
export { toYaml, unifiedDiff } from './render-diff.ts';
export type * from './types.ts';
