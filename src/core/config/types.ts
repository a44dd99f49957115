// Shapes of the two configs. The repo config (.github/driftguard.yml, read from the default branch
// only, so a PR cannot change its own policy) says what to deploy; the operator config (file named
// by DRIFTGUARD_CONFIG) says where repos may deploy.
import type { IgnoreRule } from '../diff/types.ts';
import type { CustomHealthChecks } from '../health/custom-checks.ts';
import type { SourceLocation } from '../model/object.ts';

export type SourceType = 'plain' | 'kustomize' | 'helm';

export interface SyncPolicy {
  /** Sync on push to targetRevision. Default false: plan only. */
  automated: boolean;
  /** Delete owned objects that are no longer rendered. Default false. */
  prune: boolean;
  /** Re-sync when the live cluster drifts. Default false. */
  selfHeal: boolean;
}

export interface HelmOptions {
  releaseName?: string;
  /** Paths relative to the app path. */
  valueFiles?: string[];
  values?: Record<string, unknown>;
}

export interface KustomizeOptions {
  /** Allow-listed `kustomize build` flags: `--enable-helm`, `--load-restrictor LoadRestrictionsNone`. */
  buildOptions?: string[];
}

export interface AppConfig {
  name: string;
  /** Repo-relative, normalized, no leading './' or trailing '/'; '.' for the repo root. */
  path: string;
  cluster: string;
  namespace: string;
  /** Branch that syncs; undefined = the repository's default branch. */
  targetRevision?: string;
  /** Source type override; undefined = auto-detect (Chart.yaml → helm, kustomization → kustomize). */
  type?: SourceType;
  syncPolicy: SyncPolicy;
  ignoreDifferences: IgnoreRule[];
  /** Create the app's namespace when missing, with these labels and annotations (never deleted by a sync). */
  createNamespace?: NamespaceMetadata;
  helm?: HelmOptions;
  kustomize?: KustomizeOptions;
  /** `preview:`: a namespace per open pull request (src/core/preview). */
  preview?: AppPreviewConfig;
  /** Scan for drift: `driftDetection`, default true for automated apps and false for the others. */
  driftDetection?: boolean;
  /** 1-based line of the app's entry in the config file, for annotations. */
  line: number;
}

/** `policy:` of either config: a severity per check id. */
export interface PolicyConfig {
  rules: Record<string, 'error' | 'warning' | 'off'>;
  /** 1-based line of each rule's entry, for annotations (a refused loosening points there). */
  lines: Record<string, number>;
}

export interface RepoConfig {
  file: string;
  apps: AppConfig[];
  /** Tightens the operator's severities; never loosens them. */
  policy?: PolicyConfig;
  /** Repository-wide preview settings (`preview:` at the top level). */
  preview?: RepoPreviewConfig;
  /** Labels and assignees of the repository's drift issues (`drift:`). */
  drift?: RepoDriftConfig;
}

export interface RepoDriftConfig {
  labels: string[];
  assignees: string[];
}

/** The operator's `drift:`: scan timing for every app (ms). */
export interface OperatorDriftConfig {
  /** Every app is scanned this often (default 3 min), each at its own offset within the interval (jitter). */
  intervalMs: number;
  /** Wait before a self-heal re-applies Git's state (default 5 s); doubles per heal of the same fields, capped at 5 min. */
  selfHealGraceMs: number;
  /** Watch events of an app's objects within this window make one scan (default 2 s). */
  debounceMs: number;
}

/** An image override in kustomize's `images:` shape, applied to every container of the preview. */
export interface PreviewImage {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

/** RFC 6902 operations applied to the rendered objects the target matches (every field optional). */
export interface PreviewPatch {
  target: { group?: string; kind?: string; name?: string };
  patch: Array<{ op: string; path: string; from?: string; value?: unknown }>;
  /** Line of the patch in the repo config. */
  line: number;
}

/** `apps[].preview`. Templates take {{number}}, {{sha}}, {{app}} (and {{namespace}} except in the namespace). */
export interface AppPreviewConfig {
  enabled: boolean;
  /** Problems of the preview settings at their file:line: the preview fails with them, the rest of the config stands. */
  problems: Array<{ message: string; location: SourceLocation }>;
  /** The operator cluster hosting the previews; default: the app's cluster. Must be a preview cluster of the operator config. */
  cluster: string;
  /** Namespace name template (default `pr-{{number}}-{{app}}`): always rendered to a DNS label ≤ 63 chars. */
  namespace: string;
  /** Environment URL template; undefined = the deployment has no URL. */
  url?: string;
  /** Time to live since the last push, ms (default 72 h). */
  ttlMs: number;
  /** Merged over the app's helm.values (templated). */
  helmValues?: Record<string, unknown>;
  images: PreviewImage[];
  patches: PreviewPatch[];
  /** Lines in the repo config: the `preview:` key, its namespace and url templates (for errors at file:line). */
  line: number;
  namespaceLine: number;
  urlLine: number;
}

export interface RepoPreviewConfig {
  /** The most previews open at once in the repository; undefined = no limit. */
  maxPerRepo?: number;
  line: number;
}

/** The operator's `preview:`: which clusters host previews, and the guard rails of every preview namespace. */
export interface OperatorPreviewConfig {
  clusters: string[];
  /** How often the sweeper runs, ms (default 5 min); 0: never (`sweepInterval: off`). */
  sweepIntervalMs: number;
  /** ResourceQuota spec.hard of every preview namespace. */
  resourceQuota?: { hard: Record<string, string | number> };
  /** LimitRange spec.limits of every preview namespace. */
  limitRange?: { limits: Array<Record<string, unknown>> };
  /** The default-deny NetworkPolicy's allowances. */
  networkPolicy: {
    /** Namespaces whose pods may connect in (e.g. the ingress controller's). */
    ingressFromNamespaces: string[];
    /** Namespaces the preview's pods may connect to. */
    egressToNamespaces: string[];
    /** Pods of the preview may reach each other (default true). */
    allowSameNamespace: boolean;
    /** DNS lookups (UDP/TCP 53 to kube-system) allowed (default true). */
    allowDNS: boolean;
  };
  /** Extra labels on every preview namespace (e.g. for the ingress controller's or a policy engine's selectors). */
  namespaceLabels: Record<string, string>;
}

export interface ClusterConfig {
  name: string;
  /** kubeconfig context; undefined = the kubeconfig's current-context. */
  context?: string;
  /** kubeconfig file; undefined = KUBECONFIG / ~/.kube/config. */
  kubeconfig?: string;
  /** Use the pod's service account (running inside the cluster). */
  inCluster?: boolean;
  /** Requests in flight to this cluster at most, from one worker process (watches excluded; default 32). */
  maxConcurrentRequests?: number;
}

export interface Destination {
  cluster: string;
  /** Globs (`*`, `?`). */
  namespaces: string[];
}

/** An API group and kind, each a glob (`*`, `?`); group "" is the core group (Argo CD's GroupKind). */
export interface KindRule {
  group: string;
  kind: string;
}

export interface ProjectConfig {
  name: string;
  /** `owner/name` globs (`*`, `?`; `*` does not cross `/`), case-insensitive like GitHub. */
  repos: string[];
  /** Every object an app of the project writes must go to one of these namespaces. */
  destinations: Destination[];
  /** Namespaced kinds the project may write; undefined = all. */
  allowedNamespacedKinds?: KindRule[];
  /** Cluster-scoped kinds the project may write; undefined = none. */
  allowedClusterKinds?: KindRule[];
  /** Kinds refused whatever their scope (wins over the allow lists). */
  deniedKinds?: KindRule[];
}

export interface OperatorConfig {
  file: string;
  clusters: ClusterConfig[];
  projects: ProjectConfig[];
  /** Severity per check; unset rules keep their defaults. */
  policy?: PolicyConfig;
  /** User-defined CEL health checks by `group/Kind` (`healthCheckExprs:`); they override built-in rules. */
  healthChecks?: CustomHealthChecks;
  /** Preview environments; undefined = no cluster hosts previews. */
  preview?: OperatorPreviewConfig;
  /** `/driftguard rollback`: open the revert PR (needs the app's contents: write and pull_requests: write). */
  rollback?: { revertPullRequests?: boolean };
  /** GitHub reporting: above `aggregateAbove` apps (default 20) a push reports one aggregated check run. */
  github?: { aggregateAbove?: number };
  /** Drift scan timing (defaults when the operator config has no `drift:`). */
  drift?: OperatorDriftConfig;
}

/** Apps above which a push reports one aggregated check run (operator `github.aggregateAbove`). */
export const DEFAULT_AGGREGATE_ABOVE = 20;

export type Authorization = { ok: true; project: string } | { ok: false; reason: string };

export interface NamespaceMetadata {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
