export { renderApp, detectSourceType, isHelmHook, type RenderOptions, type RenderResult, type SourceType } from './render.ts';
export { findTool, lookupTool, findKustomize, BUNDLED_TOOLS_DIR, type ToolName } from './tools.ts';
export { loadManifestPath, listManifestFiles } from './load-directory.ts';
export { runTool, sandboxEnv } from './run-tool.ts';
export { buildOptionArgs } from './kustomize.ts';
export { CapabilitiesCache, clusterCapabilities, discoverCapabilities, kubeVersionOf, normalizeKubeVersion, type DiscoveryHttp, type HelmCapabilities } from './capabilities.ts';
