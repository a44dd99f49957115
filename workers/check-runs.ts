// Check runs a job can resume: each run carries an external_id naming the job that owns it (kind, app,
// push/PR sequence), so a retried or stalled job finds the run its dead attempt started and finishes
// that one instead of leaving it in progress beside a second run.
import type { CheckConclusion, CheckOutput, CheckRunInfo, CheckStatus, RepoClient } from '../src/github/client.ts';

/** external_id of the sync run of `app` for push sequence `seq`. */
export const syncRunId = (app: string, seq: number) => `sync:${app}:${seq}`;
/** external_id of the plan run of `app` for PR sequence `seq`. */
export const planRunId = (app: string, seq: number) => `plan:${app}:${seq}`;
/** external_id of the whole-plan run (`driftguard`) that reports a plan failing before any app. */
export const planJobRunId = (seq: number) => `plan:${seq}`;
/** Does this external_id belong to the plan job of sequence `seq` (any of its runs)? */
export const isPlanRunOf = (externalId: string, seq: number) => externalId.startsWith('plan:') && externalId.endsWith(`:${seq}`);

export interface ResumedRun {
  id: number;
  url: string;
  /** The run was already completed (by an earlier attempt that got that far). */
  completed: boolean;
}

/** The newest run named `name` on headSha with this external_id, if any. */
export async function findCheckRun(gh: RepoClient, headSha: string, name: string, externalId: string): Promise<CheckRunInfo | undefined> {
  return (await gh.listCheckRuns(headSha, name)).find((r) => r.externalId === externalId);
}

/**
 * The run with this external_id on headSha, or a new one with `status`. With `orphans`, every other open
 * run of that name on headSha (left by a job that died for good) is completed with that reason.
 */
export async function resumeCheckRun(
  gh: RepoClient,
  input: { name: string; headSha: string; externalId: string; status: CheckStatus; output?: CheckOutput },
  orphans?: { conclusion: CheckConclusion; output: CheckOutput },
): Promise<ResumedRun> {
  const runs = await gh.listCheckRuns(input.headSha, input.name);
  const found = runs.find((r) => r.externalId === input.externalId);
  const run = found ? { id: found.id, url: found.url, completed: found.status === 'completed' } : { ...(await gh.createCheckRun(input)), completed: false };
  if (orphans) {
    for (const r of runs) if (r.id !== run.id && r.status !== 'completed') await gh.completeCheckRun(r.id, orphans.conclusion, orphans.output);
  }
  return run;
}
