export { Cluster, ClusterRegistry, loadKubeConfig, type ClusterSpec } from './cluster.ts';
export { Discovery, gvkOf, apiVersionOf, type GVK, type ApiResourceInfo } from './discovery.ts';
export { Resources, resourcePath, type PropagationPolicy, type ListResult } from './resources.ts';
export { KubeHttp, type HttpStats } from './http.ts';
export { ClusterCache, OwnedCache, type CacheStats, type CacheListener } from './watch-cache.ts';
export { DEFAULT_BACKOFF, backoffDelay, retryAfterMs, isRetryableStatus, type BackoffPolicy } from './backoff.ts';
export { kubeApiError, kubeStatus, kubeMessage } from './errors.ts';
