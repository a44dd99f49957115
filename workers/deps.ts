// What the worker modules need, injected so tests can run them against the GitHub emulator, a
// fake or emulated cluster and the real renderer; workers/start.ts wires the real ones.
import type { Logger } from 'pino';
import type { OperatorConfig } from '../src/core/config/types.ts';
import type { RenderOptions, RenderResult } from '../src/render/render.ts';
import type { Cluster } from '../src/kube/cluster.ts';
import type { DiffAppOptions, DiffAppResult, SyncOptions, SyncResult } from '../src/sync/types.ts';
import type { RepoClient } from '../src/github/client.ts';
import type { JobProducer } from '../src/queue/producer.ts';
import type { AppLocks } from '../src/store/app-lease.ts';
import type { LatestShaRegister } from '../src/store/latest-sha.ts';
import type { ReplyLimiter } from '../src/store/reply-limiter.ts';
import type { ForkApprovals } from '../src/store/fork-approvals.ts';
import type { PreviewStore } from '../src/store/previews.ts';
import type { PreviewSlots } from '../src/store/preview-slots.ts';
import type { AutoSyncPauses } from '../src/store/auto-sync-pause.ts';
import type { DeployHistory } from '../src/store/deploy-history.ts';
import type { CheckoutCache } from '../src/github/checkout-cache.ts';
import type { AggregateRuns } from '../src/store/aggregate-runs.ts';
import type { RenderMemo } from './render-memo.ts';
import type { DriftTargets } from '../src/store/drift-targets.ts';
import type { DriftReports } from '../src/store/drift-reports.ts';
import type { RenderCache } from '../src/store/render-cache.ts';
import type { DriftScheduler } from '../src/queue/drift-scheduler.ts';
import type { OperatorDriftConfig } from '../src/core/config/types.ts';

/** Drift detection's parts (absent: no drift scans, e.g. in worker tests about other things). */
export interface DriftDeps {
  targets: DriftTargets;
  reports: DriftReports;
  renders: RenderCache;
  scheduler: DriftScheduler;
  timing: OperatorDriftConfig;
}


export interface WorkerDeps {
  /** GitHub client for one repository, authenticated as the installation. */
  github(repo: string, installationId: number): Promise<RepoClient>;
  operator: OperatorConfig;
  cluster(name: string): Cluster;
  render(opts: RenderOptions): Promise<RenderResult>;
  diffLive(opts: DiffAppOptions): Promise<DiffAppResult>;
  sync(opts: SyncOptions): Promise<SyncResult>;
  producer: JobProducer;
  locks: AppLocks;
  latest: LatestShaRegister;
  /** Bounds comment replies to commands (one per user, PR and kind per window; reactions after). */
  replies: ReplyLimiter;
  /** `/driftguard approve` of a fork PR's head SHA: lets that SHA's plan read the cluster. */
  approvals: ForkApprovals;
  /** Preview environments: one record per repository, PR and app. */
  previews: PreviewStore;
  /** The per-repository preview limit: slots held, and previews waiting for one (oldest first). */
  previewSlots: PreviewSlots;
  /** Apps whose automated sync is paused (after a rollback). */
  pauses: AutoSyncPauses;
  /** Deploy history per app (every sync's outcome). */
  history: DeployHistory;
  /** State of aggregated check runs (one run per push above the operator's github.aggregateAbove apps); without it every app gets its own run. */
  aggregates?: AggregateRuns;
  log: Logger;
  /** Parent of temporary checkouts (default: os.tmpdir()). */
  workDir?: string;
  /** Renders by their inputs' hash (workers/render-memo.ts): apps and commits with identical inputs render once. */
  renders?: RenderMemo;
  /** The shared checkout cache (one download per commit); without it every job downloads its own tree. */
  checkouts?: CheckoutCache;
  /** Bound for one sync including waiting for health (default 5 min). */
  syncTimeoutMs?: number;
  /** How long a preview's namespace may take to terminate before the `down` job fails and is retried (default 10 min). */
  previewDeleteTimeoutMs?: number;
  /** Render timeout per app (default 2 min). */
  renderTimeoutMs?: number;
  /** Apps one PR plan renders and diffs at once (default: workers/concurrency.ts, by cores and memory). */
  planConcurrency?: number;
  /** The clock (ms since the epoch) for preview TTLs; tests inject one instead of waiting hours. */
  now?: () => number;
  /** Drift scans (absent: none, e.g. in worker tests about other things). */
  drift?: DriftDeps;
}

/** Check run name per app, as users see it on the PR and the commit. */
export const checkName = (app: string) => `driftguard / ${app}`;
export const CONFIG_CHECK = 'driftguard / config';
/** The whole plan's run: carries a failure that happened before any app's run existed. */
export const PLAN_CHECK = 'driftguard';
