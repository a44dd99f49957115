// PR plan: for each app the PR touches, render head and base, diff head vs base (what the PR
// changes) and live vs base (drift that merging overwrites), report a check run per app and one
// sticky comment. Never applies anything. A fork PR's head is planned without any cluster request
// (no live read, no dry run, bundled schemas) and its runs end action_required until a user with write
// access approves that SHA (`/driftguard approve`); the approved SHA is planned like a same-repo PR.
import { isHookObject, listHooks } from '../src/core/hooks/index.ts';
import { authorizeApp } from '../src/core/config/authorize-app.ts';
import { REPO_CONFIG_PATH, parseRepoConfig } from '../src/core/config/repo-config.ts';
import type { AppConfig, PolicyConfig, RepoConfig } from '../src/core/config/types.ts';
import { diffObjects } from '../src/core/diff/index.ts';
import type { DiffResult } from '../src/core/diff/types.ts';
import { isDeterministic, isDriftguardError, isRateLimited } from '../src/core/errors.ts';
import { withOwnership } from '../src/core/ownership.ts';
import { renderCheckRun, renderPrComment, forkNote, forkWaitingOutput, COMMENT_MAX_CHARS, type AppReport, type ForkState } from '../src/core/report/index.ts';
import type { RepoClient } from '../src/github/client.ts';
import type { PlanJob } from '../src/queue/jobs.ts';
import { prScope } from '../src/store/latest-sha.ts';
import { PLAN_CHECK, checkName, type WorkerDeps } from './deps.ts';
import { isPlanRunOf, planJobRunId, planRunId, resumeCheckRun } from './check-runs.ts';
import type { Attempt } from './attempt.ts';
import { loadRepoConfig, reportConfigError } from './repo-config.ts';
import { appsChangedBy } from './changed-apps.ts';
import { toReportError } from './render-app.ts';
import { commitTree, renderCheckout, type CheckoutOrRefusal, type CommitTree } from './checkout.ts';
import { appBounds, planBoundsErrors } from './bounds.ts';
import { checkRendered } from './checks.ts';
import { mapBounded } from '../src/sync/pool.ts';
import { defaultPlanConcurrency } from './concurrency.ts';
import { upsertPlanComment } from './sticky-comment.ts';
import { PREVIEW_SECTION_MAX_CHARS } from '../src/core/report/preview.ts';

export { touchedApps } from './changed-apps.ts';

export type PlanOutcome = 'superseded' | 'no-config' | 'invalid-config' | 'no-apps' | 'planned';

const EMPTY: DiffResult = { resources: [], summary: { create: 0, update: 0, delete: 0, none: 0, total: 0 } };

export async function runPlan(job: PlanJob, deps: WorkerDeps, attempt: Attempt = { finalAttempt: true }): Promise<{ outcome: PlanOutcome; apps: string[] }> {
  try {
    return await planPullRequest(job, deps);
  } catch (e) {
    // The PR always hears why: a failure before any app (config read, tarball download, GitHub 5xx after
    // retries) has no app run to carry it. A retry gets its own chance first.
    // Rate limited: the job runs again after GitHub's reset and finishes its reports then.
    if ((attempt.finalAttempt || isDeterministic(e)) && !isRateLimited(e)) {
      await reportPlanFailure(job, deps, toReportError(e).message).catch((err) => deps.log.warn({ err, repo: job.repo, pr: job.pr }, 'could not report the failed plan'));
    }
    throw e;
  }
}

/**
 * The last word on a plan job that failed for good (from the catch above, or the consumer's failed
 * handler when the job stalled too often): a failing `driftguard` run saying why, and every run the job
 * left open completed as failure.
 */
export async function reportPlanFailure(job: PlanJob, deps: Pick<WorkerDeps, 'github'>, reason: string): Promise<void> {
  const gh = await deps.github(job.repo, job.installationId);
  const output = { title: 'Driftguard could not plan this pull request', summary: `The plan of ${job.headSha.slice(0, 7)} failed: ${reason}\n\nPush again or comment \`/driftguard diff\` to retry.` };
  for (const r of await gh.listCheckRuns(job.headSha)) {
    if (r.status !== 'completed' && isPlanRunOf(r.externalId, job.seq)) await gh.completeCheckRun(r.id, 'failure', output);
  }
  const run = await resumeCheckRun(gh, { name: PLAN_CHECK, headSha: job.headSha, externalId: planJobRunId(job.seq), status: 'in_progress' });
  await gh.completeCheckRun(run.id, 'failure', output);
}

/** An earlier plan of this head that failed for good left a failing `driftguard` run: this plan replaces it. */
async function clearPlanFailure(gh: RepoClient, job: PlanJob): Promise<void> {
  const [newest] = await gh.listCheckRuns(job.headSha, PLAN_CHECK);
  if (!newest || newest.conclusion === 'success') return;
  const run = await resumeCheckRun(gh, { name: PLAN_CHECK, headSha: job.headSha, externalId: planJobRunId(job.seq), status: 'in_progress' });
  await gh.completeCheckRun(run.id, 'success', { title: 'Planned', summary: `The plan of ${job.headSha.slice(0, 7)} completed; see the check run of each app.` });
}

async function planPullRequest(job: PlanJob, deps: WorkerDeps): Promise<{ outcome: PlanOutcome; apps: string[] }> {
  const log = deps.log.child({ job: 'plan', repo: job.repo, pr: job.pr, head: job.headSha });
  if (!(await deps.latest.isCurrent(prScope(job.repo, job.pr), job.seq))) {
    log.info('a newer head was pushed; skipping this plan');
    return { outcome: 'superseded', apps: [] };
  }
  const gh = await deps.github(job.repo, job.installationId);
  // Policy comes from the default branch only: a PR cannot change its own config.
  const defaultBranch = await gh.defaultBranch();
  const loaded = await loadRepoConfig(gh, defaultBranch);
  if (!loaded) return { outcome: 'no-config', apps: [] };
  if (!loaded.ok) {
    await reportConfigError(gh, job.headSha, loaded.error, `the default branch (${defaultBranch})`);
    return { outcome: 'invalid-config', apps: [] };
  }
  const changed = await gh.pullFiles(job.pr);
  if (changed.includes(REPO_CONFIG_PATH)) {
    // The PR edits the config: validate its version so mistakes show up before merging.
    const text = await gh.readFile(REPO_CONFIG_PATH, job.headSha);
    if (text !== null) {
      try {
        parseRepoConfig(REPO_CONFIG_PATH, text);
      } catch (e) {
        if (!isDriftguardError(e)) throw e;
        await reportConfigError(gh, job.headSha, e, 'this pull request');
      }
    }
  }
  // Kustomize references are read from the head's checkout, which the plan then renders from.
  const headTree = commitTree(gh, job.headSha, deps);
  const baseTree = commitTree(gh, job.baseSha, deps);
  try {
    return await planChangedApps(job, deps, gh, loaded.config, changed, headTree, baseTree);
  } finally {
    await Promise.all([headTree.release(), baseTree.release()]);
  }
}

async function planChangedApps(job: PlanJob, deps: WorkerDeps, gh: RepoClient, config: RepoConfig, changed: string[], headTree: CommitTree, baseTree: CommitTree): Promise<{ outcome: PlanOutcome; apps: string[] }> {
  const log = deps.log.child({ job: 'plan', repo: job.repo, pr: job.pr, head: job.headSha });
  const apps = await appsChangedBy(headTree.reader, config, { all: false, files: changed }, job.headSha);
  if (apps.length === 0) {
    // A PR that touched apps earlier and no longer does still has a sticky comment to keep honest.
    await upsertPlanComment(gh, deps, job.pr, renderPrComment({ reports: [], headSha: job.headSha, baseSha: job.baseSha }), false);
    return { outcome: 'no-apps', apps: [] };
  }

  // A fork's head reaches the cluster only once a writer approved this very SHA.
  const fork = job.fork ? await forkState(deps, job) : undefined;
  const offline = fork !== undefined && !fork.approval;
  const reports: AppReport[] = [];
  const [head, base] = await Promise.all([headTree.open(), baseTree.open()]);
  // Apps are planned side by side (bounded by cores and memory: only the apps in flight hold rendered
  // objects); each app's check run completes as soon as the app is planned. Reports keep the PR's order.
  const opts = { offline, ...(config.policy ? { repoPolicy: config.policy } : {}) };
  reports.push(...(await mapBounded(apps, deps.planConcurrency ?? defaultPlanConcurrency(), (app) => planApp(gh, job, app, head, base, deps, opts))));

  if (!(await deps.latest.isCurrent(prScope(job.repo, job.pr), job.seq))) {
    log.info('a newer head was pushed while planning; leaving the comment to the newer plan');
    return { outcome: 'superseded', apps: apps.map((a) => a.name) };
  }
  const note = fork ? forkNote(fork) : '';
  let body = renderPrComment({ reports, headSha: job.headSha, baseSha: job.baseSha, maxChars: COMMENT_MAX_CHARS - note.length - PREVIEW_SECTION_MAX_CHARS });
  if (note) body = insertAfterMarker(body, note);
  // A fork waiting for approval always hears what is needed.
  const anything = offline || reports.some((r) => r.changes.summary.total - r.changes.summary.none > 0 || r.drift.summary.total - r.drift.summary.none > 0 || r.errors.length > 0 || (r.checks?.result.counts.errors ?? 0) > 0);
  // Two plans of one PR (a re-plan command racing a push) must not both create the comment, and the
  // preview job's section of it is kept (both write under the PR's comment lease).
  const res = await upsertPlanComment(gh, deps, job.pr, body, anything);
  await clearPlanFailure(gh, job);
  log.info({ apps: reports.map((r) => r.app), comment: res }, 'plan reported');
  return { outcome: 'planned', apps: reports.map((r) => r.app) };
}

/** The changes section compares the rendered base with the rendered head. */
const CHANGE_LABELS = { from: 'base', to: 'head' };
/** The drift section compares the cluster with what the base branch renders (what a merge re-applies). */
const DRIFT_LABELS = { from: 'live', to: 'base' };

/** The fork's approval of this head SHA, or the PR's earlier approval that a push left behind. */
async function forkState(deps: WorkerDeps, job: PlanJob): Promise<ForkState> {
  const approval = await deps.approvals.get(job.repo, job.pr, job.headSha);
  if (approval) return { headSha: job.headSha, approval };
  const earlier = await deps.approvals.latest(job.repo, job.pr);
  return { headSha: job.headSha, ...(earlier ? { earlier } : {}) };
}

interface PlanAppOptions {
  repoPolicy?: PolicyConfig;
  /** A fork's unapproved head: no request to the cluster at all, and the run ends action_required. */
  offline: boolean;
}

async function planApp(gh: RepoClient, job: PlanJob, app: AppConfig, head: CheckoutOrRefusal, base: CheckoutOrRefusal, deps: WorkerDeps, opts: PlanAppOptions): Promise<AppReport> {
  const { repoPolicy, offline } = opts;
  const report: AppReport = { app: app.name, cluster: app.cluster, namespace: app.namespace, changes: EMPTY, drift: EMPTY, errors: [] };
  // A retry of this job (same seq) resumes the run its dead attempt started; runs of other plans of this
  // head that were left open (their worker died for good) are closed, never left in progress.
  const name = checkName(app.name);
  const run = await resumeCheckRun(gh, { name, headSha: job.headSha, status: 'in_progress', externalId: planRunId(app.name, job.seq) }, {
    conclusion: 'cancelled', output: { title: 'Replaced by a later plan', summary: 'The worker running this plan stopped before it finished; a later plan of this commit replaces it.' },
  });
  report.checkRunUrl = run.url || undefined;
  try {
    const auth = authorizeApp(deps.operator, job.repo, app);
    if (!auth.ok) {
      report.errors.push({ message: auth.reason, location: { file: REPO_CONFIG_PATH, line: app.line }, title: 'Not allowed' });
    } else {
      // Offline: helm renders with its default capabilities instead of asking the cluster.
      const renderDeps = offline ? { render: deps.render, ...(deps.renderTimeoutMs ? { renderTimeoutMs: deps.renderTimeoutMs } : {}) } : deps;
      const [h, b] = await Promise.all([renderCheckout(renderDeps, head, app, gh.scrubber), renderCheckout(renderDeps, base, app, gh.scrubber)]);
      if (h.ok === false) report.errors.push(...h.errors);
      if (h.ok === 'missing') report.errors.push({ message: `${app.path} does not exist in this pull request`, location: { file: REPO_CONFIG_PATH, line: app.line } });
      // A base that does not render (new app, or already broken) counts as empty: everything is new.
      const baseObjects = b.ok === true ? b.objects : [];
      if (h.ok === true) {
        report.errors.push(...(await planBoundsErrors(deps, auth.project, app, h.objects, { offline })));
        // An unapproved fork is checked offline: bundled schemas, no cluster reads on its behalf.
        report.checks = await checkRendered(deps, app, h.objects, { ...(repoPolicy ? { repoPolicy } : {}), offline });
        const own = (xs: typeof baseObjects) => xs.map((o) => ({ ...o, object: withOwnership(o.object, app.name) }));
        // Hooks are not desired resources (never in changes or drift); the plan lists the ones a sync runs.
        const hooks = listHooks([...h.objects, ...h.hooks]);
        if (hooks.length) report.hooks = hooks.map((x) => ({ phase: x.phase, wave: x.wave, kind: x.object.kind, namespace: x.object.metadata.namespace ?? app.namespace, name: x.object.metadata.name ?? '', ...(x.source ? { source: x.source } : {}) }));
        report.changes = diffObjects(own(h.objects.filter((o) => !isHookObject(o.object))), own(baseObjects.filter((o) => !isHookObject(o.object))).map((o) => o.object), { defaultNamespace: app.namespace, ignore: app.ignoreDifferences, appName: app.name, labels: CHANGE_LABELS });
      }
      // An unapproved fork reads nothing live: no drift, no health until a writer approves the SHA.
      if (!offline) {
        try {
          const drift = await deps.diffLive({
            cluster: deps.cluster(app.cluster), app: app.name, namespace: app.namespace, desired: baseObjects, ignore: app.ignoreDifferences,
            mode: 'server',
            labels: DRIFT_LABELS,
            healthChecks: deps.operator.healthChecks,
            bounds: appBounds(deps, auth.project, app),
          });
          report.drift = { resources: drift.resources, summary: drift.summary };
          // Current health in the cluster (Argo CD rules). An app this PR adds has no base, hence nothing
          // desired yet; its resources are not created, so it is Missing rather than "no resources: Healthy".
          const added = b.ok !== true && h.ok === true && h.objects.length > 0 && drift.resources.length === 0;
          report.health = added ? 'Missing' : drift.health;
          report.resourceHealth = drift.resourceHealth;
          for (const e of drift.errors) report.errors.push({ message: `${e.kind} ${e.namespace ? `${e.namespace}/` : ''}${e.name}: ${e.message}`, ...(e.source ? { location: e.source } : {}) });
        } catch (e) {
          report.errors.push({ ...toReportError(e), message: `cannot read the live state of ${app.cluster}/${app.namespace}: ${toReportError(e).message}` });
        }
      }
    }
    const out = renderCheckRun(report, { headSha: job.headSha });
    const { title, summary } = offline ? forkWaitingOutput(job.headSha, out) : out;
    await gh.completeCheckRun(run.id, offline ? 'action_required' : out.conclusion, { title, summary, text: out.text, annotations: out.annotations });
  } catch (e) {
    // Never leave the run in progress.
    await gh.completeCheckRun(run.id, 'failure', { title: 'Driftguard failed', summary: toReportError(e).message }).catch(() => {});
    throw e;
  }
  return report;
}

/** After the marker and title lines (the header ends with a blank line). */
function insertAfterMarker(body: string, note: string): string {
  const end = body.indexOf('\n\n');
  return end < 0 ? `${body}\n\n${note}` : `${body.slice(0, end + 2)}${note}${body.slice(end + 2)}`;
}
