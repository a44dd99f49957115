// Result shapes of a sync. `driftguard sync --output json` prints SyncResult; keep field names stable.
import type { HealthStatus, ObjectHealth } from '../core/health/types.ts';
import type { HookPhase } from '../core/hooks/index.ts';
import type { CustomHealthChecks } from '../core/health/custom-checks.ts';
import type { DiffResult, IgnoreRule } from '../core/diff/types.ts';
import type { SourceLocation, SourcedObject } from '../core/model/object.ts';
import type { ProjectBounds } from '../core/policy/bounds.ts';
import type { NamespaceMetadata } from '../core/config/types.ts';
import type { Cluster } from '../kube/cluster.ts';
import type { PropagationPolicy } from '../kube/resources.ts';

export type SyncAction = 'create' | 'update' | 'prune' | 'none';
export type SyncOutcome = 'applied' | 'pruned' | 'unchanged' | 'failed' | 'skipped';

export interface ResourceResult {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  action: SyncAction;
  outcome: SyncOutcome;
  wave?: number;
  /** Set on sync hooks: the phase this run of the hook belonged to (hooks are never pruned or diffed). */
  hook?: HookPhase;
  health?: { status: HealthStatus; message: string };
  message?: string;
  source?: SourceLocation;
}

export type SyncPhase = 'Succeeded' | 'Failed';

export interface SyncResult {
  app: string;
  cluster: string;
  dryRun: boolean;
  /** Failed when any resource failed (validation, API error, timeout) or the sync was refused. */
  phase: SyncPhase;
  /** Aggregate health of the app's desired objects after the sync (worst wins); undefined in dry runs. */
  health?: HealthStatus;
  /** True when waiting for health ran out of time. */
  healthTimedOut?: boolean;
  message: string;
  resources: ResourceResult[];
  counts: Record<SyncOutcome, number>;
  durationMs: number;
}

export interface SyncOptions {
  cluster: Cluster;
  app: string;
  /** Namespace for namespaced objects without one (default: the context's namespace, else "default"). */
  namespace?: string;
  desired: SourcedObject[];
  prune: boolean;
  /**
   * False when `desired` may lack objects (a checkout or render that is not complete): pruning is then
   * refused before anything is read or written, since the missing objects would be deleted. The worker
   * always passes it; the CLI renders files it reads itself.
   */
  desiredComplete?: boolean;
  dryRun: boolean;
  /** Bound for the whole sync: writes plus waiting for health. 0 = do not wait for health. */
  timeoutMs: number;
  allowMassPrune?: boolean;
  /**
   * How long an object this sync wrote must stay Degraded before the health wait takes that as final
   * (default 5000): a Deployment keeps a stale ProgressDeadlineExceeded condition until its fixed rollout
   * makes progress. Still bounded by timeoutMs.
   */
  degradedSettleMs?: number;
  /** The operator config's CEL health checks (`healthCheckExprs`), used by the health wait. */
  healthChecks?: CustomHealthChecks;
  ignore?: IgnoreRule[];
  /** Writes in flight at once within an apply group (default 10). */
  concurrency?: number;
  propagationPolicy?: PropagationPolicy;
  /**
   * Namespace-restricted access (namespaced RBAC, e.g. the Helm chart's rbac.scope=namespaced): list and
   * watch only in these namespaces, never cluster-wide; cluster-scoped objects and objects in other
   * namespaces fail preflight. Default: cluster-wide access.
   */
  allowedNamespaces?: string[];
  /**
   * The operator project's bounds: an object outside them (namespace, kind) refuses the whole sync before
   * any write, and an owned live object outside them is never pruned. Default: unbounded.
   */
  bounds?: ProjectBounds;
  /**
   * The repo config's `createNamespace`: the app's namespace is a desired Namespace with these labels and
   * annotations (unless the app has its own Namespace object), marked Delete=false so no sync deletes it.
   */
  createNamespace?: NamespaceMetadata;
}

export interface DiffAppOptions {
  cluster: Cluster;
  app: string;
  namespace?: string;
  desired: SourcedObject[];
  ignore?: IgnoreRule[];
  /**
   * 'server' (default for the CLI): server-side apply dry run per object, diffed against live, so defaults,
   * admission webhooks and SSA merge semantics of the real cluster are in the diff (what `kubectl diff` does).
   * 'local': normalize and compare without writes — zero requests against a warm watch cache.
   */
  mode?: 'server' | 'local';
  concurrency?: number;
  /** As SyncOptions.allowedNamespaces. */
  allowedNamespaces?: string[];
  /** Header names of each resource's unified diff (default `live` / `desired`). */
  labels?: { from: string; to: string };
  /** The operator config's CEL health checks, for the app's live health. */
  healthChecks?: CustomHealthChecks;
  /** As SyncOptions.bounds: owned live objects outside them are not shown as deletes (the sync never prunes them). */
  bounds?: ProjectBounds;
  /** Deadline of the live reads (a cold watch cache of an unreachable cluster would otherwise wait for it). */
  signal?: AbortSignal;
}

export interface DiffAppResult extends DiffResult {
  /** Per-resource problems (unknown kind, server-side dry run rejected, ...). */
  errors: Array<{ group: string; kind: string; namespace: string; name: string; message: string; source?: SourceLocation }>;
  /** The app's current health in the cluster (Argo CD rules: worst resource; not yet created = Missing; no resources = Healthy). */
  health: HealthStatus;
  /** Health per resource that has one (Missing, or live of a kind with a health check). */
  resourceHealth: ObjectHealth[];
}
