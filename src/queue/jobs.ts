// Typed job payloads. Only what a worker needs to fetch the rest through the API; never tokens.

export interface RepoRef {
  /** `owner/name` */
  repo: string;
  installationId: number;
}

export interface PlanJob extends RepoRef {
  kind: 'plan';
  pr: number;
  headSha: string;
  baseSha: string;
  /** PR branch lives in a fork: planned without any cluster request until its head SHA is approved; never applied. */
  fork: boolean;
  deliveryId: string;
  /** Arrival order (LatestShaRegister sequence) so an older head is dropped. */
  seq: number;
  /** Who asked (comment commands); the PR author otherwise. */
  requestedBy?: string;
}

export interface PushJob extends RepoRef {
  kind: 'push';
  /** `refs/heads/main` */
  ref: string;
  sha: string;
  /** The branch head before the push (all zeros for a new branch); absent in jobs queued by older versions. */
  before?: string;
  /** Force-push: `before` may not be an ancestor of `sha`. */
  forced?: boolean;
  defaultBranch: string;
  deliveryId: string;
  seq: number;
}

export interface SyncJob extends RepoRef {
  kind: 'sync';
  app: string;
  sha: string;
  ref: string;
  seq: number;
  /** The check run created (status queued) when the job was enqueued; always finished by the job. */
  checkRunId?: number;
  /** The push's aggregated check run this app reports into (instead of a run of its own). */
  aggregateRunId?: number;
  deliveryId: string;
  /** Set when a user asked for this sync with `/driftguard sync <app>` (write access checked). */
  requestedBy?: string;
  /** The PR the command was written on: it hears the outcome. */
  requestedOn?: number;
  /** `--allow-mass-prune` from requestedBy: the guard is lifted for this one sync (this SHA) only. */
  allowMassPrune?: boolean;
  /** Why this sync runs (deploy history); absent means a push, or a command when requestedBy is set. */
  trigger?: SyncTrigger;
}

export type SyncTrigger = 'push' | 'command' | 'self-heal' | 'rollback';

export type CommandName = 'diff' | 'help' | 'sync' | 'approve' | 'preview' | 'preview-delete' | 'rollback' | 'resume';

export interface CommandJob extends RepoRef {
  kind: 'command';
  pr: number;
  command: CommandName | 'unknown';
  /** The raw command line, for the reply. */
  text: string;
  commentId: number;
  sender: string;
  deliveryId: string;
  /** sync: the app named by the command. */
  app?: string;
  /** sync: `--allow-mass-prune` was given. */
  allowMassPrune?: boolean;
  /** approve, preview: the head SHA (12 to 40 hex digits) the approver reviewed; refused when the head moved on. */
  sha?: string;
  /** The sender is a bot account: refused with a reply (only `/driftguard approve` from bots gets this far). */
  bot?: boolean;
  /** rollback: `previous`, or the SHA (7 to 40 hex digits, lower case) to roll back to. */
  target?: string;
  /** Written on an issue, not a pull request (`pr` is then the issue's number): only sync, rollback, resume and help run there. */
  onIssue?: boolean;
}

/** Why a preview is taken down (told on the PR and in the deployment status). */
export type PreviewDownReason = 'closed' | 'merged' | 'expired' | 'pr-gone' | 'command';

/**
 * Bring a PR's preview up to headSha (create or update), or take it down. `app` undefined: every app of the
 * PR with previews enabled (up), or every recorded preview of the PR (down). Coalesced like plans: a job
 * whose seq is older than the PR's latest registered head is dropped (newest SHA wins).
 */
export interface PreviewJob extends RepoRef {
  kind: 'preview';
  pr: number;
  app?: string;
  headSha: string;
  action: 'up' | 'down';
  /** Arrival order in the PR's scope of the LatestShaRegister (prScope). */
  seq: number;
  deliveryId: string;
  reason?: PreviewDownReason;
  /** Who asked (`/driftguard preview` commands); the PR author otherwise. */
  requestedBy?: string;
}

/** Why a drift scan runs: its job scheduler's interval, watch events of the app's objects, a sync that just ended, a push. */
export type DriftScanReason = 'interval' | 'watch' | 'synced' | 'push';

/**
 * Scan one app for drift. Carries no SHA: the scan reads the app's drift target (DriftTargets: the
 * revision last synced or pushed, and the app's config) when it runs, so a scheduled job never goes stale.
 */
export interface DriftJob extends RepoRef {
  kind: 'drift';
  app: string;
  reason: DriftScanReason;
}

export type AnyJob = PlanJob | PushJob | SyncJob | CommandJob | PreviewJob | DriftJob;
