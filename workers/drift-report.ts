// Drift to GitHub: one issue per app (found again by its hidden marker, so a rerun or a lost record
// never opens a second one), edited in place while the drift lasts, a comment only when the SET of
// drifted resources changes, closed with a comment once the app matches Git; and the drift check run
// on the head of the target branch. Each write is skipped when the digest of what it would say equals
// what was last said: a scan that finds nothing new makes no GitHub request at all.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../src/core/model/object.ts';
import {
  driftCheckName, driftIssueTitle, driftMarker, renderDriftChangedComment, renderDriftCheck, renderDriftIssue, renderResolvedComment, resourceKey,
  type DriftedResource, type SelfHealState,
} from '../src/core/drift/report.ts';
import type { CheckConclusion, CheckOutput, RepoClient } from '../src/github/client.ts';
import type { DriftReportState } from '../src/store/drift-reports.ts';
import type { DriftTarget } from '../src/store/drift-targets.ts';
import { resumeCheckRun } from './check-runs.ts';
import type { DriftDeps, WorkerDeps } from './deps.ts';

export interface DriftFindings {
  sha: string;
  drifted: DriftedResource[];
  problems: string[];
  selfHeal: SelfHealState;
  /** Desired and live objects whose Secret values the GitHub client must never send. */
  secrets: KubeObject[];
}

const IN_SYNC = 'in-sync';
const digestOf = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);
const branchOf = (ref: string) => ref.replace(/^refs\/heads\//, '');
const runExternalId = (app: string) => `drift:${app}`;
const PROBLEM_START = '<!-- driftguard:scan-problem -->';

async function client(deps: WorkerDeps, target: DriftTarget, secrets: KubeObject[]): Promise<RepoClient> {
  const gh = await deps.github(target.repo, target.installationId);
  gh.scrubber.addSecretsOf(secrets);
  return gh;
}

/** The drift check run on the branch head says `output` (the run of this head is reused, never doubled). */
async function writeRun(gh: RepoClient, target: DriftTarget, state: DriftReportState, conclusion: CheckConclusion, output: CheckOutput, digest: string): Promise<void> {
  let id = state.run?.sha === target.headSha ? state.run.id : undefined;
  id ??= (await resumeCheckRun(gh, { name: driftCheckName(target.app.name), headSha: target.headSha, externalId: runExternalId(target.app.name), status: 'in_progress' })).id;
  await gh.completeCheckRun(id, conclusion, output);
  state.run = { sha: target.headSha, id, digest };
}

export async function reportDrift(deps: WorkerDeps, drift: DriftDeps, target: DriftTarget, state: DriftReportState, f: DriftFindings): Promise<void> {
  const app = target.app;
  delete state.problem;
  if (f.drifted.length === 0) {
    // In sync. Nothing was ever reported (or the resolution already was): no request.
    if (state.issue === undefined && (!state.run || state.run.digest === IN_SYNC)) return drift.reports.set(target.repo, app.name, state);
    const gh = await client(deps, target, f.secrets);
    if (state.issue !== undefined) {
      const { open } = await gh.issueBody(state.issue);
      if (open) {
        await gh.comment(state.issue, renderResolvedComment(app.name, f.sha));
        await gh.updateIssue(state.issue, { state: 'closed' });
      }
    }
    if (state.run && state.run.digest !== IN_SYNC) {
      await gh.completeCheckRun(state.run.id, 'success', { title: 'In sync with Git', summary: `${app.name} on \`${app.cluster}/${app.namespace}\` matches ${f.sha.slice(0, 7)} again.` });
      state.run.digest = IN_SYNC;
    }
    delete state.issue;
    delete state.issueDigest;
    delete state.resources;
    delete state.since;
    return drift.reports.set(target.repo, app.name, state);
  }

  state.since ??= new Date(deps.now?.() ?? Date.now()).toISOString();
  const input = { repo: target.repo, app: app.name, cluster: app.cluster, namespace: app.namespace, sha: f.sha, branch: branchOf(target.ref), drifted: f.drifted, problems: f.problems, selfHeal: f.selfHeal, since: state.since };
  const body = renderDriftIssue(input);
  const digest = digestOf(body);
  const resources = f.drifted.map((d) => resourceKey(d.diff)).sort();
  const issueCurrent = state.issue !== undefined && state.issueDigest === digest;
  const runCurrent = state.run?.sha === target.headSha && state.run.digest === digest;
  if (issueCurrent && runCurrent) return drift.reports.set(target.repo, app.name, state);

  const gh = await client(deps, target, f.secrets);
  if (!issueCurrent) {
    const marker = driftMarker(target.repo, app.name);
    let number = state.issue;
    if (number !== undefined && !(await gh.issueBody(number)).open) number = undefined; // closed by a person: a new one
    const found = number === undefined ? await gh.findOpenIssue(marker) : undefined;
    number ??= found?.number;
    if (number === undefined) {
      number = await gh.createIssue({ title: driftIssueTitle(app.name, app.cluster, app.namespace), body, labels: target.drift?.labels, assignees: target.drift?.assignees });
    } else {
      await gh.updateIssue(number, { body });
      const before = state.issue === number ? state.resources : undefined;
      if (before) {
        const added = resources.filter((r) => !before.includes(r));
        const removed = before.filter((r) => !resources.includes(r));
        if (added.length || removed.length) await gh.comment(number, renderDriftChangedComment(added, removed));
      }
    }
    state.issue = number;
    state.issueDigest = digest;
    state.resources = resources;
  }
  if (!runCurrent) await writeRun(gh, target, state, 'failure', renderDriftCheck(input), digest);
  await drift.reports.set(target.repo, app.name, state);
}

/** A scan that could not run (render failure, unreadable cluster): a line in the open issue and the check run. */
export async function reportScanProblem(deps: WorkerDeps, drift: DriftDeps, target: DriftTarget, line: string): Promise<void> {
  const state = await drift.reports.get(target.repo, target.app.name);
  const digest = digestOf(`${target.headSha}\n${line}`);
  if (state.problem === digest) return;
  const gh = await client(deps, target, []);
  if (state.issue !== undefined) {
    const { body, open } = await gh.issueBody(state.issue);
    if (open) {
      const kept = body.includes(PROBLEM_START) ? body.slice(0, body.indexOf(PROBLEM_START)).trimEnd() : body;
      await gh.updateIssue(state.issue, { body: `${kept}\n\n${PROBLEM_START}\n> **The last scan could not run:** ${line}` });
      delete state.issueDigest; // the next scan that runs writes the body afresh
    }
  }
  await writeRun(gh, target, state, 'neutral', { title: 'Drift scan could not run', summary: line }, digest);
  state.problem = digest;
  await drift.reports.set(target.repo, target.app.name, state);
}
