// Preview environments: a namespace per open pull request and app. `up` (PR opened, reopened, pushed):
// render the PR head into its preview namespace, refuse what a preview may not hold, create the
// namespace and its guard rails, apply with the sync engine (server-side apply, prune of what the new
// head removed, wait for health, project bounds), and report a GitHub Deployment (transient, not
// production) and the preview section of the sticky comment. `down` (PR closed or merged, and the
// sweeper's and commands' removals): delete the namespace, wait until it is really gone, and mark the
// deployment inactive. One job per PR at a time (the PR's preview lease); the newest head wins.
//
// Every path ends the deployment it started (success, failure, error or inactive): a job killed
// mid-way leaves it in progress only until the retry resumes it (resumeDeployment) or the consumer's
// final-failure handler closes it (failPreviewJob).
import { authorizeApp } from '../src/core/config/authorize-app.ts';
import { REPO_CONFIG_PATH } from '../src/core/config/repo-config.ts';
import type { AppConfig, AppPreviewConfig, OperatorPreviewConfig, RepoConfig } from '../src/core/config/types.ts';
import { DriftguardError, isDeterministic } from '../src/core/errors.ts';
import { displayKey, type KubeObject } from '../src/core/model/object.ts';
import { FIELD_MANAGER } from '../src/core/ownership.ts';
import { parseQuantity } from '../src/core/quantity.ts';
import type { ProjectBounds } from '../src/core/policy/bounds.ts';
import { projectBounds } from '../src/core/policy/bounds.ts';
import { isPreviewNamespaceOf, previewGuardRails, type PreviewIdentity } from '../src/core/preview/guard-rails.ts';
import { applyOverrides } from '../src/core/preview/overrides.ts';
import { moveIntoPreview } from '../src/core/preview/rewrite.ts';
import { removalMessage } from '../src/core/preview/sweep-decision.ts';
import { forkApprovedNote, previewForkGate } from '../src/core/preview/fork-gate.ts';
import { waitingForSlotNote } from '../src/core/preview/waiting-note.ts';
import { previewNamespaceName, previewUrl, renderDeep, type PreviewVars } from '../src/core/preview/templates.ts';
import { renderPreviewSection, type PreviewEntry } from '../src/core/report/preview.ts';
import { checksLine } from '../src/core/report/checks.ts';
import type { ReportError } from '../src/core/report/types.ts';
import { statusOf, type RepoClient } from '../src/github/client.ts';
import type { Cluster } from '../src/kube/cluster.ts';
import { kubeMessage, kubeStatus } from '../src/kube/errors.ts';
import { sleep } from '../src/kube/http.ts';
import type { PreviewDownReason, PreviewJob } from '../src/queue/jobs.ts';
import { CLOSED_HEAD, prScope } from '../src/store/latest-sha.ts';
import type { PreviewRecord } from '../src/store/previews.ts';
import { slotMember } from '../src/store/preview-slots.ts';
import { resolveScopes } from '../src/sync/bounds.ts';
import type { SyncResult } from '../src/sync/types.ts';
import type { Attempt } from './attempt.ts';
import { checkRendered } from './checks.ts';
import { checkoutOrRefusal, cleanupCheckout, renderCheckout, type CheckoutOrRefusal } from './checkout.ts';
import type { WorkerDeps } from './deps.ts';
import { resumeDeployment } from './deployments.ts';
import { toReportError } from './render-app.ts';
import { loadRepoConfig } from './repo-config.ts';
import { upsertPreviewSection } from './sticky-comment.ts';
import { promoteWaiting } from './preview-slots.ts';

export type PreviewOutcome = 'locked' | 'superseded' | 'no-config' | 'no-previews' | 'done';

const NAMESPACE = { group: '', version: 'v1', kind: 'Namespace' };
/** How long `down` waits for a namespace to finish terminating before the job fails and is retried. */
const DEFAULT_DELETE_TIMEOUT_MS = 10 * 60_000;

/** GitHub environment of one app's preview of one PR. */
export const previewEnvironment = (app: string, pr: number) => `preview/${app}/pr-${pr}`;
/** The lease one preview job of a PR holds (`#` never occurs in app names). */
export const previewLease = (pr: number) => `#preview-${pr}`;

export async function runPreview(job: PreviewJob, deps: WorkerDeps, attempt: Attempt = { finalAttempt: true }): Promise<{ outcome: PreviewOutcome; entries: PreviewEntry[] }> {
  const log = deps.log.child({ job: 'preview', action: job.action, repo: job.repo, pr: job.pr, head: job.headSha });
  if (await superseded(deps, job)) {
    log.info('a newer head (or a reopen) is registered for this PR; skipping');
    return { outcome: 'superseded', entries: [] };
  }
  const lease = await deps.locks.acquire(job.repo, previewLease(job.pr));
  if (!lease) return { outcome: 'locked', entries: [] }; // the consumer delays the job
  lease.keepAlive(() => log.warn('lost the preview lease'));
  try {
    // Re-checked under the lease: the job that held it may have been the newer one.
    if (await superseded(deps, job)) return { outcome: 'superseded', entries: [] };
    return job.action === 'up' ? await previewUp(job, deps, attempt) : await previewDown(job, deps);
  } finally {
    await lease.release().catch((e) => log.warn({ err: e }, 'could not release the preview lease; it expires by its TTL'));
  }
}

/**
 * `up`: a newer commit is registered for the PR (its own job brings the preview up) or the PR was closed
 * after this job was queued. `down`: the PR was reopened or pushed after it (that `up` job wins).
 */
async function superseded(deps: WorkerDeps, job: PreviewJob): Promise<boolean> {
  const latest = await deps.latest.latest(prScope(job.repo, job.pr));
  if (!latest || latest.seq <= job.seq) return false;
  return job.action === 'up' ? latest.sha !== job.headSha : latest.sha !== CLOSED_HEAD;
}

// ---------------------------------------------------------------------------------------------- up

async function previewUp(job: PreviewJob, deps: WorkerDeps, attempt: Attempt): Promise<{ outcome: PreviewOutcome; entries: PreviewEntry[] }> {
  const log = deps.log.child({ job: 'preview', action: 'up', repo: job.repo, pr: job.pr, head: job.headSha });
  const gh = await deps.github(job.repo, job.installationId);
  // The preview settings come from the default branch, like all policy: a PR cannot change how (or
  // with which guard rails) its own preview runs. An invalid config is reported by the plan job.
  const loaded = await loadRepoConfig(gh, await gh.defaultBranch());
  if (!loaded?.ok) return { outcome: 'no-config', entries: [] };
  const config = loaded.config;
  const apps = config.apps.filter((a) => a.preview?.enabled && (job.app === undefined || a.name === job.app));
  if (apps.length === 0) return { outcome: 'no-previews', entries: [] };
  const pr = await gh.pull(job.pr);
  if (pr.state !== 'open' || pr.headSha !== job.headSha) {
    // A PR closed while it waited for a slot (its close missed): its place goes, and the next in line is queued.
    if (pr.state !== 'open') {
      await deps.previewSlots.releasePr(job.repo, job.pr);
      await promoteWaiting(deps, job.repo);
    }
    log.info({ state: pr.state, head: pr.headSha }, 'the PR is closed or its head moved on; its own job handles it');
    return { outcome: 'superseded', entries: [] };
  }
  const notes: string[] = [];
  // A preview RUNS the PR's code: a fork's head only once a writer approved exactly this SHA
  // (`/driftguard preview`); checked before anything of the head is downloaded, rendered or applied.
  if (pr.fork) {
    const gate = previewForkGate({
      fork: true, headSha: job.headSha,
      approval: await deps.approvals.get(job.repo, job.pr, job.headSha, 'preview'), latest: await deps.approvals.latest(job.repo, job.pr, 'preview'),
    });
    if (!gate.allowed) {
      // Apps with a preview of an earlier, approved head keep showing it; the note says what the new head needs.
      const recorded = new Set((await deps.previews.forPr(job.repo, job.pr)).map((r) => r.app));
      const entries = apps.filter((a) => !recorded.has(a.name)).map((a): PreviewEntry => ({ app: a.name, state: 'waiting', headSha: job.headSha }));
      await upsertPreviewSection(gh, deps, job.pr, await sectionFor(deps, job, entries, [gate.note]));
      log.info('fork head not approved for a preview');
      return { outcome: 'done', entries };
    }
    if (gate.approval) notes.push(forkApprovedNote(gate.approval));
  }
  // The per-repository limit: each app's preview holds a slot, or waits for one (oldest request first).
  const admitted: AppConfig[] = [];
  const waiting: PreviewEntry[] = [];
  const { kind: _kind, ...queued } = job;
  for (const app of apps) {
    const limit = config.preview?.maxPerRepo;
    const claim = await deps.previewSlots.claim(job.repo, slotMember(job.pr, app.name), limit, { ...queued, app: app.name }, deps.now?.() ?? Date.now());
    if (claim.admitted) admitted.push(app);
    else waiting.push({ app: app.name, state: 'waiting', headSha: job.headSha, message: waitingForSlotNote(claim.position, limit!) });
  }

  const entries: PreviewEntry[] = [...waiting];
  let checkout: CheckoutOrRefusal | undefined;
  try {
    if (admitted.length > 0) checkout = await checkoutOrRefusal(gh, job.headSha, deps);
    for (const app of admitted) entries.push(await upApp(gh, job, deps, config, app, checkout!, attempt));
  } finally {
    await cleanupCheckout(checkout).catch((e) => log.warn({ err: e }, 'could not remove the checkout'));
  }
  if (entries.some((e) => e.state === 'deploying')) return { outcome: 'superseded', entries }; // cancelled mid-way: the newer job reports
  await upsertPreviewSection(gh, deps, job.pr, await sectionFor(deps, job, entries, notes));
  log.info({ previews: entries.map((e) => ({ app: e.app, state: e.state, namespace: e.namespace })) }, 'preview up');
  return { outcome: 'done', entries };
}

interface Failure {
  message: string;
  errors: ReportError[];
}

const fail = (message: string, errors: ReportError[] = []): Failure => ({ message, errors });

async function upApp(gh: RepoClient, job: PreviewJob, deps: WorkerDeps, config: RepoConfig, app: AppConfig, checkout: CheckoutOrRefusal, attempt: Attempt): Promise<PreviewEntry> {
  const log = deps.log.child({ job: 'preview', repo: job.repo, pr: job.pr, app: app.name });
  const preview = app.preview!;
  const environment = previewEnvironment(app.name, job.pr);
  const at = (line: number) => ({ file: REPO_CONFIG_PATH, line });
  const base: PreviewEntry = { app: app.name, state: 'failed', headSha: job.headSha };
  const now = Date.now();

  // Inputs first: a template, cluster or project that does not fit is reported before anything exists.
  const ns = previewNamespaceName(preview.namespace, { number: job.pr, sha: job.headSha, app: app.name });
  const vars: PreviewVars | undefined = ns.ok ? { number: job.pr, sha: job.headSha, app: app.name, namespace: ns.value } : undefined;
  const url = preview.url !== undefined && vars ? previewUrl(preview.url, vars) : undefined;
  const problem: ReportError | undefined = preview.problems.length === 1 ? preview.problems[0]
    : preview.problems.length > 1 ? { message: preview.problems.map((p) => `${p.location.file}:${p.location.line}: ${p.message}`).join('; ') }
    : !ns.ok ? { message: ns.why, location: at(preview.namespaceLine) }
    : url && !url.ok ? { message: url.why, location: at(preview.urlLine) }
      : hostProblem(deps.operator.preview, preview, job.repo, app, deps);
  const existing = await deps.previews.get(job.repo, job.pr, app.name);
  let deployment: number | undefined;
  const finish = async (state: 'success' | 'failure' | 'error', description: string, environmentUrl?: string) => {
    if (deployment === undefined) return;
    await gh.deploymentStatus(deployment, state, { description, environment, ...(environmentUrl ? { environmentUrl } : {}) });
    // GitHub does not mark earlier deployments of a transient environment inactive by itself.
    if (existing?.deploymentId !== undefined && existing.deploymentId !== deployment) {
      await gh.deploymentStatus(existing.deploymentId, 'inactive', { description: `Replaced by the preview of ${job.headSha.slice(0, 7)}`, environment }).catch(() => {});
    }
  };

  deployment = await resumeDeployment(gh, { sha: job.headSha }, environment, `Preview of PR #${job.pr} (${app.name})`, { app: app.name, pr: job.pr, ...(ns.ok ? { namespace: ns.value } : {}) }, { transient: true, production: false });
  if (deployment !== undefined) await gh.deploymentStatus(deployment, 'in_progress', { description: 'Creating the preview', environment });

  if (problem || !ns.ok) {
    const p = problem ?? { message: 'invalid namespace' };
    await finish('failure', p.message);
    if (existing) await deps.previews.update(job.repo, job.pr, app.name, { state: 'failed', message: p.message, updatedAt: now, ...(deployment ? { deploymentId: deployment } : {}) });
    return { ...base, ...(existing ? { namespace: existing.namespace } : {}), message: p.message, ...(p.location ? { location: p.location } : {}) };
  }
  const namespace = ns.value;
  const cluster = deps.cluster(preview.cluster);
  const identity: PreviewIdentity = { repo: job.repo, pr: job.pr, app: app.name, headSha: job.headSha, namespace };
  const record: PreviewRecord = {
    repo: job.repo, installationId: job.installationId, pr: job.pr, app: app.name, namespace, cluster: preview.cluster, headSha: job.headSha,
    // The TTL counts from the last push: a retry or a re-run of the same head does not extend it.
    lastPushAt: existing && existing.headSha === job.headSha ? existing.lastPushAt : now,
    ttlMs: preview.ttlMs, state: 'deploying', environment, ...(url?.ok ? { url: url.value } : {}), ...(deployment ? { deploymentId: deployment } : {}), updatedAt: now,
  };
  const entryOf = (r: PreviewRecord, extra: Partial<PreviewEntry> = {}): PreviewEntry => ({
    app: r.app, state: r.state === 'ready' ? 'ready' : r.state === 'failed' ? 'failed' : 'deploying', headSha: r.headSha, namespace: r.namespace, expiresAt: r.lastPushAt + r.ttlMs,
    ...(r.url ? { url: r.url } : {}), ...(r.message ? { message: r.message } : {}), ...extra,
  });

  try {
    // A preview that moved (namespace template or cluster changed in the config) leaves nothing behind.
    if (existing && (existing.namespace !== namespace || existing.cluster !== preview.cluster)) {
      await deleteNamespace(deps, existing);
    }
    // Recorded before the namespace exists: whatever happens next, close and the sweeper find it.
    await deps.previews.put(record);

    const failure = await deployApp(gh, deps, job, config, app, preview, cluster, identity, checkout, vars!, log);
    if ('cancelled' in failure) {
      if (deployment) await gh.deploymentStatus(deployment, 'inactive', { description: 'Superseded by a newer push', environment }).catch(() => {});
      return entryOf(record, { state: 'deploying' });
    }
    if ('message' in failure) {
      const updated = await deps.previews.update(job.repo, job.pr, app.name, { state: 'failed', message: failure.message, updatedAt: Date.now() });
      await finish('failure', failure.message);
      const first = failure.errors.find((e) => e.location);
      return entryOf(updated ?? record, { state: 'failed', message: failure.errors.length > 1 ? `${failure.message}\n${failure.errors.map((e) => `  - ${e.location ? `\`${e.location.file}:${e.location.line}\`: ` : ''}${e.message}`).join('\n')}` : failure.message, ...(failure.errors.length === 1 && first?.location ? { location: first.location } : {}) });
    }
    const updated = await deps.previews.update(job.repo, job.pr, app.name, { state: 'ready', message: undefined, updatedAt: Date.now() });
    await finish('success', `Preview ready: ${namespace}`, record.url);
    return entryOf(updated ?? record, { state: 'ready', health: failure.health });
  } catch (e) {
    // Bad input never retried; on the last attempt the deployment ends in error and the PR hears why.
    if (isDeterministic(e) || attempt.finalAttempt) {
      const err = toReportError(e);
      await deps.previews.update(job.repo, job.pr, app.name, { state: 'failed', message: err.message, updatedAt: Date.now() }).catch(() => {});
      await finish(isDeterministic(e) ? 'failure' : 'error', err.message).catch(() => {});
      if (isDeterministic(e)) return { ...base, namespace, message: err.message, ...(err.location ? { location: err.location } : {}) };
    }
    throw e;
  }
}

/** Why this app's preview cannot be hosted where its config says (operator config, project), or undefined. */
function hostProblem(op: OperatorPreviewConfig | undefined, preview: AppPreviewConfig, repo: string, app: AppConfig, deps: WorkerDeps): ReportError | undefined {
  const location = { file: REPO_CONFIG_PATH, line: preview.line };
  if (!op) return { message: 'the operator config has no `preview:` section, so no cluster hosts previews', location };
  if (!op.clusters.includes(preview.cluster)) {
    return { message: `cluster "${preview.cluster}" does not host previews (the operator config allows: ${op.clusters.join(', ')})`, location };
  }
  const auth = authorizeApp(deps.operator, repo, app);
  if (!auth.ok) return { message: auth.reason, location: { file: REPO_CONFIG_PATH, line: app.line } };
  return undefined;
}

/** The project's kind rules, confined to the preview namespace on the preview cluster; no cluster-scoped kind. */
function previewBounds(deps: WorkerDeps, repo: string, app: AppConfig, cluster: string, namespace: string): ProjectBounds {
  const auth = authorizeApp(deps.operator, repo, app);
  const b = auth.ok ? projectBounds(deps.operator, auth.project, cluster) : undefined;
  if (!b) throw new DriftguardError('SYNC_REFUSED', `${repo} is not allowed to deploy ${app.name}`);
  return { ...b, namespaces: [namespace], allowedClusterKinds: [] };
}

type Deployed = { health: string } | Failure | { cancelled: true };

async function deployApp(
  gh: RepoClient, deps: WorkerDeps, job: PreviewJob, config: RepoConfig, app: AppConfig, preview: AppPreviewConfig, cluster: Cluster,
  id: PreviewIdentity, checkout: CheckoutOrRefusal, vars: PreviewVars, log: WorkerDeps['log'],
): Promise<Deployed> {
  // Render the head as the preview: its namespace (Helm's .Release.Namespace), its cluster's
  // capabilities, and the preview's Helm values over the app's.
  const previewApp: AppConfig = {
    ...app, namespace: id.namespace, cluster: preview.cluster,
    ...(preview.helmValues ? { helm: { ...app.helm, values: mergeValues(app.helm?.values ?? {}, renderDeep(preview.helmValues, vars)) } } : {}),
  };
  // The same client as every report of this job: the Secrets the render holds are scrubbed from all of them.
  const rendered = await renderCheckout(deps, checkout, previewApp, gh.scrubber);
  if (rendered.ok === 'missing') return fail(`${app.path} does not exist at ${job.headSha.slice(0, 7)}`, [{ message: `${app.path} does not exist`, location: { file: REPO_CONFIG_PATH, line: app.line } }]);
  if (rendered.ok === false) return fail(`render failed with the preview values: ${rendered.errors[0]?.message ?? 'unknown error'}`, rendered.errors);

  const overridden = applyOverrides([...rendered.objects, ...rendered.hooks], { images: renderDeep(preview.images, vars), patches: renderDeep(preview.patches, vars), file: REPO_CONFIG_PATH });
  const guardRails = previewGuardRails(id, deps.operator.preview!);
  const moved = moveIntoPreview(overridden, await resolveScopes(cluster, overridden), { app: app.namespace, preview: id.namespace, guardRails });
  if (moved.refusals.length) {
    return fail(`${moved.refusals.length} object${moved.refusals.length === 1 ? '' : 's'} refused, nothing was applied: ${moved.refusals.map((r) => r.message.split(':')[0]).join('; ')}`, moved.refusals);
  }
  // The checks a sync runs (schemas, misconfiguration rules) before any write.
  const desired = moved.objects;
  // (Hooks follow the objects in `desired`, in render order: they are not checked, as in a sync.)
  const checks = await checkRendered(deps, previewApp, desired.slice(0, rendered.objects.length), { ...(config.policy ? { repoPolicy: config.policy } : {}) });
  if (checks.result.counts.errors > 0) {
    const errors = checks.result.findings.filter((f) => f.severity === 'error' && !f.waiver).map((f) => ({ message: `${displayKey(f.resource)}: ${f.rule}: ${f.message}`, ...(f.location ? { location: f.location } : {}) }));
    return fail(`checks failed (${checksLine(checks.result)}), nothing was applied`, errors);
  }
  if (await superseded(deps, job)) return { cancelled: true };

  await applyGuardRails(cluster, guardRails, id);
  const result = await deps.sync({
    cluster,
    // The namespace is unique on its cluster and a valid label value: the preview's own ownership
    // name, so nothing of the production app (same name) is ever pruned or adopted by it.
    app: id.namespace,
    namespace: id.namespace,
    desired,
    // A preview's namespace holds only what its head renders: what the new head removed goes.
    prune: true,
    desiredComplete: rendered.complete,
    dryRun: false,
    timeoutMs: deps.syncTimeoutMs ?? 300_000,
    ignore: app.ignoreDifferences,
    bounds: previewBounds(deps, job.repo, app, preview.cluster, id.namespace),
    healthChecks: deps.operator.healthChecks,
    // The mass-prune guard protects shared environments from a broken render; a preview namespace is
    // disposable and the bounds keep every prune inside it.
    allowMassPrune: true,
  });
  log.info({ namespace: id.namespace, phase: result.phase, health: result.health, counts: result.counts }, 'preview applied');
  const failure = syncFailure(result);
  if (!failure) return { health: result.health ?? 'Unknown' };
  // Pods a controller cannot create over the quota show up only as a workload that never gets ready.
  const full = await fullQuota(cluster, guardRails).catch(() => undefined);
  if (full) failure.message += `; ${full}`;
  return failure;
}

/** `the preview's ResourceQuota driftguard-preview-quota is used up: pods 2/2`, or undefined. */
async function fullQuota(cluster: Cluster, guardRails: KubeObject[]): Promise<string | undefined> {
  const quota = guardRails.find((g) => g.kind === 'ResourceQuota');
  if (!quota) return undefined;
  const live = await cluster.resources.get({ group: '', version: 'v1', kind: 'ResourceQuota' }, quota.metadata.namespace!, quota.metadata.name!);
  const { hard = {}, used = {} } = (live?.status ?? {}) as { hard?: Record<string, string>; used?: Record<string, string> };
  const atLimit = Object.keys(hard).filter((k) => {
    const h = parseQuantity(hard[k]);
    const u = parseQuantity(used[k] ?? '0');
    return h && u && u.num * h.den >= h.num * u.den;
  });
  return atLimit.length ? `the preview's ResourceQuota ${quota.metadata.name} is used up (operator config preview.resourceQuota): ${atLimit.map((k) => `${k} ${used[k]}/${hard[k]}`).join(', ')}` : undefined;
}

/** The failing resources of a sync, named (first ones) with their file:line, or undefined when it is healthy. */
function syncFailure(r: SyncResult): Failure | undefined {
  const failed = r.resources.filter((x) => x.outcome === 'failed');
  const unhealthy = r.resources.filter((x) => x.health && x.health.status !== 'Healthy');
  if (r.phase !== 'Failed' && (r.health === 'Healthy' || r.health === undefined)) return undefined;
  const named = (x: SyncResult['resources'][number], why: string): ReportError => ({ message: `${displayKey(x)}: ${why}`, ...(x.source ? { location: x.source } : {}) });
  const errors = failed.length
    ? failed.map((x) => named(x, x.message ?? 'failed'))
    : unhealthy.map((x) => named(x, `${x.health!.status}${x.health!.message ? ` (${x.health!.message})` : ''}`));
  const head = errors[0]?.message ?? r.message;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return fail(`${r.healthTimedOut ? 'not healthy in time: ' : ''}${head}${more}`, errors);
}

/** Helm's merge of values: maps merge key by key, everything else is replaced. */
function mergeValues(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] = isMap(cur) && isMap(v) ? mergeValues(cur, v) : v;
  }
  return out;
}
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The namespace and its guard rails, applied before anything of the app. A namespace of that name that
 * Driftguard did not create for this preview is never taken over; one still terminating (a close and a
 * reopen in quick succession) is waited for.
 */
async function applyGuardRails(cluster: Cluster, guardRails: KubeObject[], id: PreviewIdentity): Promise<void> {
  const live = await cluster.resources.get(NAMESPACE, '', id.namespace);
  if (live && !isPreviewNamespaceOf(live, id)) {
    throw new DriftguardError('SYNC_REFUSED', `namespace ${id.namespace} exists and was not created by Driftguard for this preview: it is left alone (change preview.namespace, or remove that namespace)`);
  }
  if (live?.metadata?.deletionTimestamp) await waitGone(cluster, id.namespace, DEFAULT_DELETE_TIMEOUT_MS);
  for (const obj of guardRails) {
    try {
      await cluster.resources.apply(obj, { force: true, fieldManager: FIELD_MANAGER });
      if (obj.kind === 'ResourceQuota') await quotaCounted(cluster, obj);
    } catch (e) {
      const status = kubeStatus(e);
      // The API server refusing the operator's guard rail (an invalid quota or limit) does not change on retry.
      if (status !== undefined && status >= 400 && status < 500 && status !== 409 && status !== 429) {
        throw new DriftguardError('SYNC_REFUSED', `the preview guard rail ${obj.kind} ${obj.metadata.name} (operator config preview:) was refused by the cluster: ${kubeMessage(e)}`, { cause: e });
      }
      throw e;
    }
  }
}

/**
 * Until the quota controller has counted a new quota (status.hard covers spec.hard), the API server
 * refuses every object the quota counts ("status unknown for quota"): the app waits for it, boundedly.
 */
async function quotaCounted(cluster: Cluster, quota: KubeObject, timeoutMs = 30_000): Promise<void> {
  const want = Object.keys(((quota.spec ?? {}) as { hard?: Record<string, unknown> }).hard ?? {});
  const until = Date.now() + timeoutMs;
  for (;;) {
    const live = await cluster.resources.get({ group: '', version: 'v1', kind: 'ResourceQuota' }, quota.metadata.namespace!, quota.metadata.name!);
    const hard = ((live?.status ?? {}) as { hard?: Record<string, unknown> }).hard ?? {};
    if (want.every((k) => k in hard)) return;
    if (Date.now() > until) throw new DriftguardError('TIMEOUT', `the preview quota ${quota.metadata.name} was not counted by the cluster's quota controller within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

async function waitGone(cluster: Cluster, namespace: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (await cluster.resources.get(NAMESPACE, '', namespace)) {
    if (Date.now() > until) throw new DriftguardError('TIMEOUT', `namespace ${namespace} is still terminating after ${Math.round(timeoutMs / 1000)} s`);
    await sleep(500);
  }
}

/**
 * Delete the preview's namespace and everything in it, and return once it is really gone (not
 * Terminating). 'not-ours': a namespace of that name exists without this preview's marks: left alone.
 */
async function deleteNamespace(deps: Pick<WorkerDeps, 'cluster' | 'previewDeleteTimeoutMs'>, r: PreviewRecord): Promise<'deleted' | 'absent' | 'not-ours'> {
  const cluster = deps.cluster(r.cluster);
  const live = await cluster.resources.get(NAMESPACE, '', r.namespace);
  if (!live) return 'absent';
  if (!isPreviewNamespaceOf(live, r)) return 'not-ours';
  if (!live.metadata?.deletionTimestamp) await cluster.resources.delete(NAMESPACE, '', r.namespace, { propagationPolicy: 'Background' });
  await waitGone(cluster, r.namespace, deps.previewDeleteTimeoutMs ?? DEFAULT_DELETE_TIMEOUT_MS);
  return 'deleted';
}

// -------------------------------------------------------------------------------------------- down

/** What the comment and the deployment status say about a removed preview. */
export function downMessage(reason: PreviewDownReason | undefined, ttlMs: number): string {
  switch (reason) {
    case 'merged': return 'the pull request was merged';
    case 'command': return 'deleted by `/driftguard preview delete`';
    case 'expired': case 'pr-gone': return removalMessage(reason, ttlMs);
    default: return 'the pull request was closed';
  }
}

async function previewDown(job: PreviewJob, deps: WorkerDeps): Promise<{ outcome: PreviewOutcome; entries: PreviewEntry[] }> {
  const log = deps.log.child({ job: 'preview', action: 'down', repo: job.repo, pr: job.pr });
  const records = (await deps.previews.forPr(job.repo, job.pr)).filter((r) => job.app === undefined || r.app === job.app);
  // A PR that closes while waiting for a slot has no record: its place in the queue goes all the same.
  if (job.app === undefined) await deps.previewSlots.releasePr(job.repo, job.pr);
  if (records.length === 0) return { outcome: 'no-previews', entries: [] };
  const gh = await deps.github(job.repo, job.installationId);
  const entries: PreviewEntry[] = [];
  for (const r of records) {
    await deps.previews.update(r.repo, r.pr, r.app, { state: 'deleting', updatedAt: Date.now() });
    const gone = await deleteNamespace(deps, r);
    const why = downMessage(job.reason, r.ttlMs);
    if (gone === 'not-ours') log.warn({ namespace: r.namespace, cluster: r.cluster }, 'namespace not created by Driftguard for this preview: left alone');
    // Every deployment of the environment that is not already final ends inactive (GitHub shows it destroyed).
    const ids = new Set([...(r.deploymentId !== undefined ? [r.deploymentId] : []), ...(await gh.openDeployments(r.headSha, r.environment))]);
    for (const id of ids) await gh.deploymentStatus(id, 'inactive', { description: `Preview deleted: ${why}`, environment: r.environment });
    await deps.previews.remove(r.repo, r.pr, r.app);
    await deps.previewSlots.release(r.repo, slotMember(r.pr, r.app));
    entries.push({
      app: r.app, state: 'gone', headSha: r.headSha, namespace: r.namespace,
      message: gone === 'not-ours' ? `namespace \`${r.namespace}\` was not created by Driftguard for this preview, so it was left alone` : `the preview was deleted: ${why}`,
    });
  }
  // Freed slots go to the oldest previews waiting in this repository (the sweeper repeats this if the job dies here).
  await promoteWaiting(deps, job.repo);
  // A PR that no longer exists has no comment to update.
  await upsertPreviewSection(gh, deps, job.pr, await sectionFor(deps, job, entries)).catch((e: unknown) => {
    if (job.reason === 'pr-gone' && statusOf(e) === 404) return;
    throw e;
  });
  log.info({ removed: entries.map((e) => e.namespace), reason: job.reason }, 'preview down');
  return { outcome: 'done', entries };
}

/** The section: this job's entries, then the PR's other recorded previews as the store has them. */
async function sectionFor(deps: WorkerDeps, job: PreviewJob, entries: PreviewEntry[], notes: string[] = []): Promise<string> {
  const mine = new Set(entries.map((e) => e.app));
  const others = (await deps.previews.forPr(job.repo, job.pr)).filter((r) => !mine.has(r.app)).map((r): PreviewEntry => ({
    app: r.app, state: r.state === 'ready' ? 'ready' : r.state === 'failed' ? 'failed' : r.state === 'deleting' ? 'deleting' : 'deploying',
    headSha: r.headSha, namespace: r.namespace, expiresAt: r.lastPushAt + r.ttlMs, ...(r.url ? { url: r.url } : {}), ...(r.message ? { message: r.message } : {}),
  }));
  return renderPreviewSection([...entries, ...others].sort((a, b) => a.app.localeCompare(b.app)), notes);
}

/**
 * Last resort from the consumer's failed handler (attempts exhausted, or stalled): every deployment the
 * job's previews left open ends in error and their records say failed, so nothing stays in progress.
 */
export async function failPreviewJob(job: PreviewJob, deps: Pick<WorkerDeps, 'github' | 'previews'>, message: string): Promise<void> {
  const gh = await deps.github(job.repo, job.installationId);
  const records = (await deps.previews.forPr(job.repo, job.pr)).filter((r) => job.app === undefined || r.app === job.app);
  for (const r of records) {
    for (const id of await gh.openDeployments(job.headSha, r.environment)) await gh.deploymentStatus(id, 'error', { description: message, environment: r.environment });
    if (r.state === 'deploying') await deps.previews.update(r.repo, r.pr, r.app, { state: 'failed', message, updatedAt: Date.now() });
  }
}
