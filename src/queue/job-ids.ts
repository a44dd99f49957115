// Deterministic BullMQ job ids: adding a job whose id exists is a no-op, so a webhook delivered
// twice (or a fan-out retried) never produces two jobs. BullMQ ids may not contain ':' nor be integers.
const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');

export const planJobId = (repo: string, pr: number, headSha: string) => `plan-${safe(repo)}-${pr}-${safe(headSha)}`;
export const pushJobId = (deliveryId: string) => `push-${safe(deliveryId)}`;
// The push sequence is part of the id: a retried fan-out dedupes, a later push of the same commit syncs again.
export const syncJobId = (repo: string, app: string, sha: string, seq: number) => `sync-${safe(repo)}-${safe(app)}-${safe(sha)}-${seq}`;
export const commandJobId = (repo: string, commentId: number) => `command-${safe(repo)}-${commentId}`;
/** Suffix that makes a re-run (by comment command) a new job while the earlier one is still kept. */
export const rerunSuffix = (rerunKey?: string) => (rerunKey ? `-r${rerunKey.replace(/[^A-Za-z0-9_-]/g, '_')}` : '');
// One job per delivery and action: a redelivered webhook dedupes, every push brings the preview up again.
export const previewJobId = (repo: string, pr: number, app: string | undefined, action: 'up' | 'down', seq: number) => `preview-${safe(repo)}-${pr}-${safe(app ?? '_all')}-${action}-${seq}`;
/** The job scheduler of an app's periodic drift scan (one per repository and app). */
export const driftSchedulerId = (repo: string, app: string) => `drift-${safe(repo.toLowerCase())}-${safe(app)}`;
/** Deduplication id of the drift scans asked for now (watch events, sync end): one pending per app. */
export const driftScanDedupeId = (repo: string, app: string) => `${driftSchedulerId(repo, app)}-soon`;
