// Named clusters: each one a kubeconfig context (from a file or the default loading rules) or the
// in-cluster service account, with its own transport, discovery cache, and one watch cache shared by its apps.
import { KubeConfig } from '@kubernetes/client-node';
import { DriftguardError } from '../core/errors.ts';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';
import { Discovery } from './discovery.ts';
import { DryRunMemo } from './dry-run-memo.ts';
import { KubeHttp } from './http.ts';
import { Resources } from './resources.ts';
import { ClusterCache, type OwnedCache } from './watch-cache.ts';

export interface ClusterSpec {
  name: string;
  /** kubeconfig context; default: the file's current-context. */
  context?: string;
  /** kubeconfig path; default: $KUBECONFIG or ~/.kube/config. */
  kubeconfig?: string;
  /** Use the pod's service account (KUBERNETES_SERVICE_HOST + /var/run/secrets/...). */
  inCluster?: boolean;
  backoff?: BackoffPolicy;
  requestTimeoutMs?: number;
  /** Requests in flight to this cluster at most (watches excluded; default 32). */
  maxConcurrentRequests?: number;
}

export function loadKubeConfig(spec: Omit<ClusterSpec, 'name'>): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (spec.inCluster) kc.loadFromCluster();
    else if (spec.kubeconfig) kc.loadFromFile(spec.kubeconfig);
    else kc.loadFromDefault();
  } catch (e) {
    throw new DriftguardError('CONFIG_INVALID', `cannot load kubeconfig${spec.kubeconfig ? ` ${spec.kubeconfig}` : ''}: ${(e as Error).message}`, { cause: e });
  }
  if (spec.context) {
    if (!kc.getContextObject(spec.context)) {
      const known = kc.getContexts().map((c) => c.name).join(', ') || 'none';
      throw new DriftguardError('CONFIG_INVALID', `kubeconfig has no context "${spec.context}" (known: ${known})`);
    }
    kc.setCurrentContext(spec.context);
  }
  if (!kc.getCurrentCluster()) throw new DriftguardError('CONFIG_INVALID', 'kubeconfig has no current cluster (pass --context)');
  return kc;
}

export class Cluster {
  readonly http: KubeHttp;
  readonly discovery: Discovery;
  readonly resources: Resources;
  /** Namespace of the kubeconfig context (for `--namespace` defaults), if it sets one. */
  readonly contextNamespace?: string;
  /** One informer per kind for all apps of this cluster (apps read it through cacheFor(app)). */
  readonly cache: ClusterCache;
  /** Answers of server-side dry runs by desired object and live version: a plan skips the ones it knows. */
  readonly dryRuns = new DryRunMemo();

  constructor(readonly name: string, kc: KubeConfig, opts: { backoff?: BackoffPolicy; requestTimeoutMs?: number; maxConcurrentRequests?: number } = {}) {
    this.http = new KubeHttp(kc, opts.backoff ?? DEFAULT_BACKOFF, opts.requestTimeoutMs, opts.maxConcurrentRequests);
    this.discovery = new Discovery(this.http);
    this.resources = new Resources(this.http, this.discovery);
    this.contextNamespace = kc.getContextObject(kc.getCurrentContext())?.namespace;
    this.cache = new ClusterCache(this.http, this.resources);
  }

  static fromSpec(spec: ClusterSpec): Cluster {
    return new Cluster(spec.name, loadKubeConfig(spec), { backoff: spec.backoff, requestTimeoutMs: spec.requestTimeoutMs, maxConcurrentRequests: spec.maxConcurrentRequests });
  }

  /** One app's view of the cluster's watch cache: its owned objects (no watch of its own). */
  cacheFor(app: string): OwnedCache {
    return this.cache.view(app);
  }

  async close(): Promise<void> {
    this.cache.close();
    await this.http.close();
  }
}

export class ClusterRegistry {
  private readonly specs = new Map<string, ClusterSpec>();
  private readonly clusters = new Map<string, Cluster>();

  constructor(specs: ClusterSpec[]) {
    for (const s of specs) {
      if (this.specs.has(s.name)) throw new DriftguardError('CONFIG_INVALID', `cluster "${s.name}" is defined twice`);
      this.specs.set(s.name, s);
    }
  }

  names(): string[] {
    return [...this.specs.keys()];
  }

  /** The named cluster, connected lazily (kubeconfig read on first use). */
  get(name: string): Cluster {
    let c = this.clusters.get(name);
    if (!c) {
      const spec = this.specs.get(name);
      if (!spec) throw new DriftguardError('NOT_FOUND', `no cluster named "${name}" (known: ${this.names().join(', ') || 'none'})`);
      c = Cluster.fromSpec(spec);
      this.clusters.set(name, c);
    }
    return c;
  }

  async close(): Promise<void> {
    await Promise.all([...this.clusters.values()].map((c) => c.close()));
    this.clusters.clear();
  }
}
