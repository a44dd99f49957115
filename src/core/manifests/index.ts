export { parseManifestText } from './parse-manifest-text.ts';
export { assertNoDuplicates, manifestKey, parseManifests, type IdentityOptions } from './parse-manifests.ts';
export { DEFAULT_LIMITS, type ManifestLimits } from './limits.ts';
export { checkYamlLimits } from './yaml-limits.ts';
