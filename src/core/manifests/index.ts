export { parseManifestText } from './parse-manifest-text.ts';
export { parseManifests } from './parse-manifests.ts';
export { DEFAULT_LIMITS, type ManifestLimits } from './limits.ts';
