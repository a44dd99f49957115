// One app's drift scan: compare the live cluster (the watch-backed cache: no request for an in-sync app)
// with the app's target revision as last rendered (RenderCache: the repository is downloaded and rendered
// only when the target SHA is new to this app), attribute each drifted field to the field manager that
// last wrote it, self-heal when asked to, and report (workers/drift-report.ts: nothing is sent to GitHub
// when the result has not changed). Bad input ends in a report, never a crash: a revision that does not
// render, a cluster that cannot be read. Scans of other apps are separate jobs and go on regardless.
import { authorizeApp } from '../src/core/config/authorize-app.ts';
import type { AppConfig } from '../src/core/config/types.ts';
import { attributeChanges } from '../src/core/drift/attribute.ts';
import { decideHeal } from '../src/core/drift/self-heal.ts';
import { driftManagers, fieldsSignature, type DriftedResource, type SelfHealState } from '../src/core/drift/report.ts';
import { FIELD_MANAGER } from '../src/core/ownership.ts';
import { SecretScrubber } from '../src/core/redact-secrets.ts';
import type { SourcedObject } from '../src/core/model/object.ts';
import { gvkOf } from '../src/kube/discovery.ts';
import { kubeMessage } from '../src/kube/errors.ts';
import type { DriftJob } from '../src/queue/jobs.ts';
import type { CachedRender } from '../src/store/render-cache.ts';
import type { DriftTarget } from '../src/store/drift-targets.ts';
import { appScope } from '../src/store/latest-sha.ts';
import { appBounds } from './bounds.ts';
import { checkoutOrRefusal, cleanupCheckout, renderCheckout, type CheckoutOrRefusal } from './checkout.ts';
import { checkName, type DriftDeps, type WorkerDeps } from './deps.ts';
import { reportDrift, reportScanProblem } from './drift-report.ts';
import { watchForDrift } from './drift-watch.ts';

export type DriftScanOutcome = 'disabled' | 'no-target' | 'busy' | 'in-sync' | 'drifted' | 'render-failed' | 'unreachable' | 'not-allowed';

/** A cold cache of an unreachable cluster must not hold the scan (and the app's lease) for long. */
const LIVE_READ_TIMEOUT_MS = 30_000;

export async function runDriftScan(job: DriftJob, deps: WorkerDeps): Promise<DriftScanOutcome> {
  const drift = deps.drift;
  if (!drift) return 'disabled';
  const target = await drift.targets.get(job.repo, job.app);
  if (!target) return 'no-target';
  // One scan or sync of an app at a time: a scan during a sync would see half-applied state as drift.
  // The sync asks for a scan when it ends.
  const lease = await deps.locks.acquire(job.repo, job.app, 60_000);
  if (!lease) {
    // The scan holding it may have read the cache before the event that queued this one: scan again soon.
    await drift.scheduler.soon(job.repo, job.installationId, job.app, job.reason);
    return 'busy';
  }
  try {
    return await scanLeased(job, deps, drift, target);
  } finally {
    await lease.release().catch(() => undefined);
  }
}

async function scanLeased(job: DriftJob, deps: WorkerDeps, drift: DriftDeps, target: DriftTarget): Promise<DriftScanOutcome> {
  const app = target.app;
  const log = deps.log.child({ job: 'drift', repo: job.repo, app: app.name, reason: job.reason });
  const auth = authorizeApp(deps.operator, job.repo, app);
  if (!auth.ok) {
    log.warn({ reason: auth.reason }, 'drift scan skipped: the app is not allowed here');
    return 'not-allowed';
  }
  const pause = await deps.pauses.get(job.repo, app.name);
  // While auto-sync is paused after a rollback, the rolled-back revision is what the cluster should be.
  const sha = pause?.sha ?? target.sha;
  const cluster = deps.cluster(app.cluster);
  watchForDrift(cluster, job.repo, job.installationId, app.name, drift.scheduler, log);

  const render = await cachedRender(deps, drift, target, app, sha);
  if (render.error !== undefined) {
    log.warn({ sha, err: render.error }, 'drift scan: the target revision does not render');
    await reportScanProblem(deps, drift, target, `The target revision ${sha.slice(0, 7)} does not render: ${render.error}`);
    return 'render-failed';
  }

  const signal = AbortSignal.timeout(LIVE_READ_TIMEOUT_MS);
  let diff;
  try {
    diff = await deps.diffLive({
      cluster, app: app.name, namespace: app.namespace, desired: render.objects, ignore: app.ignoreDifferences, mode: 'local',
      bounds: appBounds(deps, auth.project, app), healthChecks: deps.operator.healthChecks, signal,
    });
  } catch (e) {
    const msg = kubeMessage(e);
    log.warn({ cluster: app.cluster, err: msg }, 'drift scan: cannot read the cluster');
    await reportScanProblem(deps, drift, target, `Cluster ${app.cluster} could not be read during the last scan: ${msg}`);
    return 'unreachable';
  }

  // Owned objects Git no longer has count only when the render is complete (else they may just be unread).
  const view = cluster.cacheFor(app.name);
  const drifted: DriftedResource[] = diff.resources
    .filter((r) => r.action !== 'none' && (r.action !== 'delete' || render.complete))
    .map((r) => {
      const live = r.action === 'create' ? undefined : view.get(gvkOf(r.group ? `${r.group}/${r.version}` : r.version, r.kind), r.namespace, r.name);
      return { diff: r, changes: attributeChanges(r.patch, live, FIELD_MANAGER) };
    });
  // Secret values (desired and live) never leave in the issue: masked in the diff, scrubbed by value too.
  const secrets = [...render.objects.map((o) => o.object), ...view.objects()].filter((o) => o.kind === 'Secret');
  const scrubber = new SecretScrubber().addSecretsOf(secrets);
  const problems = diff.errors.map((e) => scrubber.scrub(`${e.kind} ${e.namespace ? `${e.namespace}/` : ''}${e.name}: ${e.message}`));

  const state = await drift.reports.get(job.repo, app.name);
  let selfHeal: SelfHealState = { state: 'off' };
  if (pause) {
    selfHeal = { state: 'paused', sha: pause.sha, since: pause.since, by: pause.by, ...(pause.revertPr ? { revertPr: pause.revertPr } : {}) };
  } else if (drifted.length > 0 && app.syncPolicy.selfHeal && app.syncPolicy.automated) {
    selfHeal = await selfHealDecision(deps, drift, target, drifted, state, log);
  }
  if (drifted.length === 0) {
    delete state.healStopped;
  }
  await reportDrift(deps, drift, target, state, { sha, drifted, problems, selfHeal, secrets });
  log.info({ sha, drifted: drifted.length, selfHeal: selfHeal.state }, 'drift scanned');
  return drifted.length ? 'drifted' : 'in-sync';
}

/** Heal (queue a self-heal sync after the grace, doubled per earlier heal of these fields), wait, or stop. */
async function selfHealDecision(deps: WorkerDeps, drift: DriftDeps, target: DriftTarget, drifted: DriftedResource[], state: Awaited<ReturnType<DriftDeps['reports']['get']>>, log: WorkerDeps['log']): Promise<SelfHealState> {
  const fields = fieldsSignature(drifted);
  const managers = driftManagers(drifted, FIELD_MANAGER);
  if (state.healStopped?.fields === fields) return { state: 'stopped', heals: state.heals.filter((h) => h.fields === fields).length, managers: state.healStopped.managers };
  delete state.healStopped;
  const now = deps.now?.() ?? Date.now();
  const d = decideHeal(state.heals, fields, now, drift.timing.selfHealGraceMs);
  if (d.action === 'pending') return { state: 'pending' };
  if (d.action === 'stop') {
    state.healStopped = { fields, managers, since: now };
    log.warn({ managers, heals: d.heals }, 'self-heal stopped: the same fields keep changing back');
    return { state: 'stopped', heals: d.heals, managers };
  }
  const scope = appScope(target.repo, target.app.name);
  const latest = await deps.latest.latest(scope);
  // A newer push of the app is being synced: that sync re-applies Git anyway.
  if (latest && latest.sha !== target.sha && latest.seq > (target.seq ?? 0)) return { state: 'pending' };
  // The heal's own run on the target commit (the push's run stays the push's): what was healed, and when.
  const gh = await deps.github(target.repo, target.installationId);
  const run = await gh.createCheckRun({
    name: checkName(target.app.name), headSha: target.sha, status: 'queued', externalId: `heal:${target.app.name}:${now}`,
    output: { title: 'Self-heal queued', summary: `Drift of ${drifted.length} resource(s) (last changed by ${managers.join(', ') || 'unknown'}): re-applying Git's state in ${Math.round(d.delayMs / 1000)} s.` },
  });
  try {
    await deps.producer.sync({
      repo: target.repo, installationId: target.installationId, app: target.app.name, sha: target.sha, ref: target.ref,
      seq: Math.max(latest?.seq ?? 0, target.seq ?? 0), deliveryId: `self-heal-${now}`, trigger: 'self-heal', checkRunId: run.id,
    }, { rerunKey: `heal${d.attempt}-${now}`, delayMs: d.delayMs });
  } catch (e) {
    await gh.completeCheckRun(run.id, 'cancelled', { title: 'Self-heal could not be queued', summary: (e as Error).message }).catch(() => undefined);
    throw e;
  }
  state.heals.push({ at: now, fields, delayMs: d.delayMs });
  log.info({ delayMs: d.delayMs, attempt: d.attempt, managers }, 'self-heal queued');
  return { state: 'healing', attempt: d.attempt, delayMs: d.delayMs };
}

/** The app's render at `sha`: from the cache, else downloaded and rendered once and cached. */
async function cachedRender(deps: WorkerDeps, drift: DriftDeps, target: DriftTarget, app: AppConfig, sha: string): Promise<CachedRender> {
  const hit = await drift.renders.get(target.repo, app, sha);
  if (hit) return hit;
  const gh = await deps.github(target.repo, target.installationId);
  let checkout: CheckoutOrRefusal | undefined;
  try {
    checkout = await checkoutOrRefusal(gh, sha, deps);
    const r = await renderCheckout(deps, checkout, app, gh.scrubber);
    const error = r.ok === 'missing' ? `${app.path} does not exist at ${sha.slice(0, 7)}`
      : r.ok !== true ? r.errors.map((e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.message}`).join('; ') : undefined;
    const cached: CachedRender = r.ok === true ? { objects: r.objects as SourcedObject[], complete: r.complete } : { objects: [], complete: false, error: error! };
    await drift.renders.put(target.repo, app, sha, cached);
    return cached;
  } finally {
    await cleanupCheckout(checkout).catch(() => undefined);
  }
}
