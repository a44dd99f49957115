// Shapes of the two configs. The repo config (.github/driftguard.yml, read from the default branch
// only, so a PR cannot change its own policy) says what to deploy; the operator config (file named
// by DRIFTGUARD_CONFIG) says where repos may deploy.
import type { IgnoreRule } from '../diff/types.ts';
import type { CustomHealthChecks } from '../health/custom-checks.ts';

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
}

export type Authorization = { ok: true; project: string } | { ok: false; reason: string };

export interface NamespaceMetadata {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
