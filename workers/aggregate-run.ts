// One check run for every app a push syncs (above the operator's github.aggregateAbove, default 20):
// the push creates it (`driftguard`, external_id sync:<seq>, so a retried push finds it again), each
// sync job records its outcome in Redis instead of writing a run of its own, and the job that records
// the last app completes the run with the table. A job that runs twice overwrites its own entry.
import { DEFAULT_AGGREGATE_ABOVE, type OperatorConfig } from '../src/core/config/types.ts';
import { renderAggregateCheckRun, type AggregateEntry } from '../src/core/report/aggregate.ts';
import type { CheckConclusion, CheckOutput, RepoClient } from '../src/github/client.ts';
import type { AggregateState } from '../src/store/aggregate-runs.ts';
import type { WorkerDeps } from './deps.ts';

/** The aggregated run's name: the commit's one Driftguard run. */
export const AGGREGATE_CHECK = 'driftguard';
/** external_id of the aggregated sync run of push sequence `seq`. */
export const aggregateRunExternalId = (seq: number) => `sync:${seq}`;
/** Redis identity of one push's aggregated run. */
export const aggregateId = (repo: string, sha: string, seq: number) => `${repo.toLowerCase()}:${sha}:${seq}`;

export const aggregateAbove = (operator: OperatorConfig) => operator.github?.aggregateAbove ?? DEFAULT_AGGREGATE_ABOVE;

/** Completes the aggregated run from its state (every app reported). */
export async function completeAggregate(gh: RepoClient, sha: string, state: AggregateState): Promise<void> {
  const out = renderAggregateCheckRun({ sha, verb: 'Synced', apps: state.apps, entries: state.entries });
  await gh.completeCheckRun(state.runId, out.conclusion, { title: out.title, summary: out.summary, text: out.text });
}

/** Records one app's outcome; the last app completes the run. */
export async function reportIntoAggregate(deps: Pick<WorkerDeps, 'aggregates'>, gh: RepoClient, job: { repo: string; sha: string; seq: number }, entry: AggregateEntry): Promise<void> {
  if (!deps.aggregates) throw new Error('aggregated check runs need WorkerDeps.aggregates');
  const state = await deps.aggregates.record(aggregateId(job.repo, job.sha, job.seq), entry);
  if (state?.done) await completeAggregate(gh, job.sha, state);
}

/** How a sync job ends its report: its own check run, or its row of the push's aggregated run. */
export function appRunFinisher(deps: Pick<WorkerDeps, 'aggregates'>, gh: RepoClient, job: { repo: string; sha: string; seq: number; app: string; aggregateRunId?: number }, run: number) {
  return (conclusion: CheckConclusion, output: CheckOutput, changed = false): Promise<void> =>
    job.aggregateRunId
      ? reportIntoAggregate(deps, gh, job, { app: job.app, conclusion, title: output.title, summary: output.summary, ...(changed ? { changed } : {}) })
      : gh.completeCheckRun(run, conclusion, output);
}
