// Inputs and outputs of the report renderers (PR comment, check runs, sync results).
import type { DiffAction, DiffResult } from '../diff/types.ts';
import type { HealthStatus, ObjectHealth } from '../health/types.ts';
import type { SourceLocation } from '../model/object.ts';
import type { HookPhase } from '../hooks/index.ts';
import type { AppChecks } from './checks.ts';

export interface ReportError {
  message: string;
  /** Repo-relative file and 1-based line; becomes a check-run annotation. */
  location?: SourceLocation;
  /** Short label, e.g. the error code (`YAML_SYNTAX`). */
  title?: string;
}

/** Plan of one app for one PR. */
export interface AppReport {
  app: string;
  cluster: string;
  namespace: string;
  /** head vs base: what this PR changes. */
  changes: DiffResult;
  /** live vs base: drift already in the cluster that merging will overwrite. */
  drift: DiffResult;
  /** The app's current health in the destination cluster (not what it will be after merging). */
  health?: HealthStatus;
  /** Per-resource health behind `health`; the check run lists the resources that are not Healthy. */
  resourceHealth?: ObjectHealth[];
  errors: ReportError[];
  /** Schema validation and misconfiguration checks of the head render, when it rendered. */
  checks?: AppChecks;
  /** Link to this app's check run (full diff), when known. */
  checkRunUrl?: string;
  /** The sync hooks of the head render, in the order a sync runs them (a merge that changes the app runs them). */
  hooks?: PlannedHook[];
}

export interface PlannedHook {
  phase: HookPhase;
  wave: number;
  kind: string;
  namespace: string;
  name: string;
  source?: SourceLocation;
}

/** GitHub's check-run annotation shape (POST/PATCH /repos/{owner}/{repo}/check-runs). */
export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  raw_details?: string;
}

export type CheckConclusion = 'success' | 'failure' | 'neutral';

export interface CheckRunOutput {
  title: string;
  summary: string;
  text: string;
  conclusion: CheckConclusion;
  /** All annotations; send them with batchAnnotations (≤ 50 per request). */
  annotations: CheckAnnotation[];
}

export type SyncOutcome = 'applied' | 'pruned' | 'unchanged' | 'failed' | 'skipped';

/** Result of syncing one resource. */
export interface SyncResourceResult {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  action: DiffAction;
  outcome: SyncOutcome;
  health?: HealthStatus;
  message?: string;
}

export interface SyncSummary {
  sha: string;
  cluster: string;
  namespace: string;
  created: number;
  updated: number;
  pruned: number;
  health: HealthStatus;
  failed?: number;
}

export interface SyncCheckRunInput {
  app: string;
  sha: string;
  cluster: string;
  namespace: string;
  results: SyncResourceResult[];
  health: HealthStatus;
  /** A failure of the sync as a whole (render error, refused prune, timeout). */
  error?: string;
  maxChars?: number;
}
