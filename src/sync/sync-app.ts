// The sync engine: desired objects -> ownership marks and namespaces -> live state (watch cache) -> diff ->
// plan -> preflight -> apply wave by wave -> prune -> wait for health. Rules:
// - an in-sync app makes zero writes (only objects whose diff is modified are applied);
// - validation problems (unknown kinds, missing namespaces, unreadable live state) stop the sync before
//   its first write, all-or-nothing, each reported on its resource;
// - a wave is applied kind group by kind group (Namespaces, then ..., then CRs), each group with bounded
//   concurrency; a failed or unhealthy wave stops the sync: later waves and all prunes are reported 'skipped';
// - prunes only run after every apply succeeded, in reverse apply order.
import { setMaxListeners } from 'node:events';
import { diffObjects } from '../core/diff/index.ts';
import { aggregateHealth } from '../core/health/index.ts';
import type { HealthStatus } from '../core/health/types.ts';
import { keyOf, keyString, parseApiVersion, type KubeObject } from '../core/model/object.ts';
import { FIELD_MANAGER, isOwnedBy, SYNC_OPTIONS_ANNOTATION } from '../core/ownership.ts';
import { applyGroups, planSync, type PlanTask } from '../core/plan/index.ts';
import type { Cluster } from '../kube/cluster.ts';
import { gvkOf } from '../kube/discovery.ts';
import { kubeMessage, kubeStatus } from '../kube/errors.ts';
import { redactSecretValues, SecretScrubber } from '../core/redact-secrets.ts';
import { desiredOutOfBounds, keepOutOfBounds } from './enforce-bounds.ts';
import { sleep } from '../kube/http.ts';
import { untilAborted } from '../kube/until-aborted.ts';
import { DriftguardError, isDriftguardError } from '../core/errors.ts';
import { inventoryName, inventoryObject, inventoryOf, sameInventory } from './inventory.ts';
import { loadLive, type LiveState } from './live.ts';
import { mapLimit } from './pool.ts';
import { prepareDesired, type PreparedObject } from './prepare.ts';
import type { ResourceResult, SyncOptions, SyncOutcome, SyncResult } from './types.ts';
import { waitForHealth, type HealthTarget } from './wait-health.ts';
import { classifyHook } from '../core/hooks/index.ts';
import { parseSyncOptions, syncOptionsOf } from '../core/sync-options.ts';
import { hookResult, runHookPhase, type HookContext, type PreparedHook } from './hooks.ts';

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
const CRD_ESTABLISH_MS = 30_000;
/** How long a timed-out read may take to stop and say what it was waiting for. */
const ABORT_GRACE_MS = 1000;

function baseOf(obj: KubeObject, action: ResourceResult['action'], outcome: SyncOutcome, extra: Partial<ResourceResult> = {}): ResourceResult {
  const { group, version } = parseApiVersion(obj.apiVersion);
  return { group, version, kind: obj.kind, namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '', action, outcome, ...extra };
}

function taskResult(t: PlanTask, outcome: SyncOutcome, message?: string): ResourceResult {
  return baseOf(t.object, t.action, outcome, { wave: t.wave, source: t.source, ...(message ? { message } : {}) });
}

function isImmutableError(e: unknown): boolean {
  return kubeStatus(e) === 422 && /immutable/i.test(kubeMessage(e));
}

/** Replace=true: delete the live object (Force=true: without a grace period) and wait until its name is free. */
async function replaceDelete(cluster: Cluster, t: PlanTask, force: boolean, signal: AbortSignal): Promise<void> {
  const gvk = gvkOf(t.object.apiVersion, t.object.kind);
  await cluster.resources.delete(gvk, t.key.namespace, t.key.name, { propagationPolicy: 'Background', ...(force ? { gracePeriodSeconds: 0 } : {}), signal });
  while (await cluster.resources.get(gvk, t.key.namespace, t.key.name, { signal })) await sleep(200, signal);
}

/** The API server's message, plus what to do about the common cases. */
export function explainApplyError(e: unknown): string {
  const msg = kubeMessage(e);
  if (isImmutableError(e)) {
    return `${msg} — this field cannot be changed in place; delete the object and sync again to recreate it, or set sync option Replace=true (driftguard.dev/sync-options) to have the sync do it`;
  }
  if (kubeStatus(e) === 409 && /conflict/i.test(msg)) {
    return `${msg} — another field manager owns these fields and the object has sync option ServerSideApply=fail; remove it (or set ServerSideApply=force) to take them over`;
  }
  if (kubeStatus(e) === 0 && /abort|timed out/i.test(msg)) return `timed out: ${msg}`;
  return msg;
}

function finish(opts: SyncOptions, started: number, resources: ResourceResult[], message: string, extra: Partial<SyncResult> = {}): SyncResult {
  const counts: Record<SyncOutcome, number> = { applied: 0, pruned: 0, unchanged: 0, failed: 0, skipped: 0 };
  for (const r of resources) counts[r.outcome]++;
  return {
    app: opts.app, cluster: opts.cluster.name, dryRun: opts.dryRun,
    phase: counts.failed > 0 ? 'Failed' : 'Succeeded',
    message, resources, counts, durationMs: Date.now() - started, ...extra,
  };
}

/** Refuse the whole sync before any write: failing resources 'failed', all others 'skipped'. */
function preflightFailure(opts: SyncOptions, started: number, failures: ResourceResult[], all: PreparedObject[], message?: string): SyncResult {
  const failed = new Set(failures.map((f) => keyString({ group: f.group, kind: f.kind, namespace: f.namespace, name: f.name })));
  const skipped = all
    .filter((p) => !failed.has(keyString(keyOf(p.object))))
    .map((p) => baseOf(p.object, 'none', 'skipped', { source: p.source, message: 'not applied: the sync stopped before any write (see failed resources)' }));
  return finish(opts, started, [...failures, ...skipped], message ?? `${failures.length} resource(s) failed validation; nothing was written`);
}

/**
 * Record the kinds and namespaces the app now has objects in (desired, plus owned objects still live, plus
 * inventoried kinds we could not look at), so the next sync's prune scan finds a kind removed from git.
 * Written only when it changed: an in-sync app still makes zero writes. Returns a warning on failure.
 */
async function saveInventory(cluster: Cluster, app: string, namespace: string, desired: KubeObject[], state: LiveState, signal: AbortSignal): Promise<string | undefined> {
  const owned = state.cache.objects().filter((o) => isOwnedBy(o, app));
  const next = inventoryOf([...desired, ...owned]);
  for (const g of state.inventory?.kinds ?? []) {
    if (!state.cache.watching(g) && !next.kinds.some((k) => k.group === g.group && k.version === g.version && k.kind === g.kind)) next.kinds.push(g);
  }
  if (sameInventory(state.inventory, next)) return undefined;
  try {
    const written = await cluster.resources.apply(inventoryObject(app, namespace, next), { force: true, fieldManager: FIELD_MANAGER, signal });
    state.cache.observe({ ...written, apiVersion: 'v1', kind: 'ConfigMap' });
    return undefined;
  } catch (e) {
    return `inventory ConfigMap ${namespace}/${inventoryName(app)} not saved (a kind removed from git later may not be pruned): ${kubeMessage(e)}`;
  }
}

async function applyOne(cluster: Cluster, t: PlanTask, pendingCrd: boolean, signal: AbortSignal, cache: ReturnType<Cluster['cacheFor']>, written: Map<string, { generation?: number }>, scrubber: SecretScrubber, watchNs: string[] | undefined): Promise<ResourceResult> {
  try {
    if (pendingCrd) {
      // Its CRD was applied in an earlier kind group; wait until discovery serves the kind (Established).
      const gvk = gvkOf(t.object.apiVersion, t.object.kind);
      const until = Date.now() + CRD_ESTABLISH_MS;
      while (!(await cluster.discovery.resolve(gvk))) {
        if (Date.now() > until || signal.aborted) throw new Error(`kind ${t.object.kind} in ${t.object.apiVersion} is still not served after its CRD was applied`);
        await sleep(250, signal);
      }
      // The cache skipped this kind when the sync began (not served yet): watch it now, or the health
      // wait never sees the object and runs until the timeout.
      await cache.ensure([gvk], watchNs);
    }
    const so = syncOptionsOf(t.object);
    const applyOpts = { force: so.force || so.conflicts === 'force', fieldManager: FIELD_MANAGER, fieldValidation: so.validate ? 'Strict' as const : 'Ignore' as const, signal };
    let applied: KubeObject;
    let note = t.warning;
    try {
      applied = await cluster.resources.apply(t.object, applyOpts);
    } catch (e) {
      if (!(so.replace && t.live && isImmutableError(e))) throw e;
      // Replace=true: what SSA cannot change in place is deleted and created again.
      await replaceDelete(cluster, t, so.force, signal);
      applied = await cluster.resources.apply(t.object, applyOpts);
      note = [`replaced (deleted and re-created, sync option ${so.force ? 'Force' : 'Replace'}=true): ${kubeMessage(e)}`, t.warning].filter(Boolean).join('; ');
    }
    cache.observe({ ...applied, apiVersion: t.object.apiVersion, kind: t.object.kind });
    // The generation of OUR write: the health wait must not trust status observed for an older one.
    const generation = applied.metadata?.generation;
    written.set(keyString(t.key), { generation: typeof generation === 'number' ? generation : undefined });
    return taskResult(t, 'applied', note);
  } catch (e) {
    // The server may quote the submitted or the stored object (admission webhooks see both, typed SSA
    // errors): no Secret values of either. The cache may hold a newer live copy than the plan did.
    const cached = cache.get(gvkOf(t.object.apiVersion, t.object.kind), t.key.namespace, t.key.name);
    return taskResult(t, 'failed', scrubber.scrub(redactSecretValues(explainApplyError(e), t.object, t.live, cached)));
  }
}

/** The app's namespace as a desired object when the repo config asks for it (and the app has none of its own). */
function withManagedNamespace(desired: SyncOptions['desired'], meta: SyncOptions['createNamespace'], ns: string): SyncOptions['desired'] {
  if (!meta || desired.some((d) => d.object.kind === 'Namespace' && d.object.apiVersion === 'v1' && d.object.metadata?.name === ns)) return desired;
  const annotations = { ...meta.annotations, [SYNC_OPTIONS_ANNOTATION]: 'Delete=false' };
  return [{ object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { ...meta.labels }, annotations } } }, ...desired];
}

export async function syncApp(opts: SyncOptions): Promise<SyncResult> {
  if (opts.prune && opts.desiredComplete === false) {
    throw new DriftguardError('SYNC_REFUSED', `refusing to sync app "${opts.app}" with prune: its desired objects come from an incomplete checkout or render, and what is missing would be deleted`);
  }
  const started = Date.now();
  const { cluster, app } = opts;
  const conc = Math.max(1, opts.concurrency ?? 10);
  const deadline = started + (opts.timeoutMs > 0 ? opts.timeoutMs : DEFAULT_TIMEOUT_MS);
  const signal = AbortSignal.timeout(Math.max(1, deadline - started));
  // Every in-flight request of this sync (up to `concurrency` applies, plus waits) listens to it and
  // stops listening when done: more than Node's default of 10 listeners is expected, not a leak.
  setMaxListeners(0, signal);

  // The timeout bounds everything below, reads included: a wait that outlives it ends in a TIMEOUT naming
  // what could not be done (the kind whose reads failed, with its last error).
  const bounded = async <T>(what: string, p: Promise<T>): Promise<T> => {
    try {
      return await untilAborted(p, signal);
    } catch (e) {
      if (!signal.aborted) throw e;
      // The work got the same signal and stops too; its own error says what it could not finish.
      const inner = await Promise.race([p.then((v) => ({ v }), (x: unknown) => ({ x })), sleep(ABORT_GRACE_MS).then(() => undefined)]);
      if (inner && 'v' in inner) return inner.v;
      const cause = inner?.x ?? e;
      const why = isDriftguardError(cause) && cause.code === 'TIMEOUT' ? cause.message : `${what} did not finish`;
      throw new DriftguardError('TIMEOUT', `sync timed out after ${deadline - started} ms: ${why}`, { cause, details: isDriftguardError(cause) ? cause.details : undefined });
    }
  };

  // 1. Resolve kinds, default namespaces, mark ownership.
  const desired = withManagedNamespace(opts.desired, opts.createNamespace, opts.namespace || cluster.contextNamespace || 'default');
  const prep = await bounded('discovery of the app\'s kinds', prepareDesired(cluster, app, desired, opts.namespace, opts.allowedNamespaces));
  const escapes = opts.bounds ? desiredOutOfBounds(prep, opts.bounds) : [];
  if (prep.problems.length || escapes.length) {
    const failures = [...prep.problems, ...escapes].map((p) => baseOf(p.object, 'none', 'failed', { source: p.source, message: p.message }));
    const message = escapes.length ? `${escapes.length} resource(s) outside the bounds of project "${opts.bounds!.project}"${prep.problems.length ? `, ${prep.problems.length} failed validation` : ''}; nothing was written` : undefined;
    return preflightFailure(opts, started, failures, prep.objects, message);
  }
  // Hooks are not desired resources: they run in their phases, and are never diffed or pruned.
  const hooks: PreparedHook[] = [];
  const hookProblems: ResourceResult[] = [];
  const regular: PreparedObject[] = [];
  for (const p of prep.objects) {
    const c = classifyHook(p.object);
    const so = parseSyncOptions(p.object);
    if ('error' in so) hookProblems.push(baseOf(p.object, 'none', 'failed', { source: p.source, message: so.error }));
    else if (c.kind === 'resource') regular.push(p);
    else if (c.kind === 'hook') hooks.push({ object: p.object, source: p.source, gvk: p.gvk, hook: c.hook });
    else if (c.kind === 'invalid') hookProblems.push(baseOf(p.object, 'none', 'failed', { source: p.source, message: c.message }));
    // 'ignored' (Helm tests, pre-delete, ...): set aside, as render does.
  }
  if (hookProblems.length) return preflightFailure(opts, started, hookProblems, prep.objects);
  prep.objects = regular;
  prep.gvks = prep.gvks.filter((g) => regular.some((p) => p.gvk.group === g.group && p.gvk.version === g.version && p.gvk.kind === g.kind));
  const pending = new Set(prep.objects.filter((p) => p.pendingCrd).map((p) => keyString(keyOf(p.object))));

  // 2. Live state, diff, plan.
  const state = await bounded('reading the live state', loadLive(cluster, app, prep.objects, prep.gvks, { namespace: prep.namespace, allowedNamespaces: opts.allowedNamespaces, concurrency: conc, signal }));
  if (state.readErrors.size) {
    const failures = prep.objects
      .filter((p) => state.readErrors.has(keyString(keyOf(p.object))))
      .map((p) => baseOf(p.object, 'none', 'failed', { source: p.source, message: `cannot read live state: ${state.readErrors.get(keyString(keyOf(p.object)))}` }));
    return preflightFailure(opts, started, failures, prep.objects);
  }
  // A server may quote any object in an error, and a Secret's value may be reused elsewhere (a ConfigMap,
  // an env var): every message is scrubbed of the values of all the app's Secrets, desired and live.
  const scrubber = new SecretScrubber().addSecretsOf([...prep.objects.map((p) => p.object), ...hooks.map((h) => h.object), ...state.live]);
  const scope = new Map(prep.objects.map((p) => [`${p.gvk.group}/${p.gvk.kind}`, !!p.object.metadata.namespace]));
  // Only objects with a live counterpart need a diff: the others are creates (planSync writes objects
  // without a diff entry), and diffing 500 new objects only to throw the text away costs real CPU.
  const liveKeys = new Set(state.live.map((o) => keyString(keyOf(o))));
  const diff = diffObjects(prep.objects.filter((p) => liveKeys.has(keyString(keyOf(p.object)))), state.live, {
    ignore: opts.ignore, defaultNamespace: prep.namespace, appName: app, fieldManager: FIELD_MANAGER,
    isNamespaced: (group: string, kind: string) => scope.get(`${group}/${kind}`) ?? cluster.discovery.peek({ group, version: '', kind })?.namespaced,
  });
  const plan = planSync({
    app, desired: prep.objects, live: state.live, diffs: diff.resources, prune: opts.prune, allowMassPrune: opts.allowMassPrune,
    ...(opts.bounds ? { keep: keepOutOfBounds(opts.bounds) } : {}),
  });
  const applyTasks = plan.waves.flatMap((w) => w.tasks);
  const prepWarnings = new Map(prep.objects.filter((p) => p.warning).map((p) => [keyString(keyOf(p.object)), p.warning!]));
  for (const t of [...applyTasks, ...plan.unchanged]) {
    const w = prepWarnings.get(keyString(t.key));
    if (w) t.warning = t.warning ? `${w}; ${t.warning}` : w;
  }

  // 3. Preflight: every namespace a write goes to exists or is created earlier in this sync ('unknown' when
  // RBAC does not let us read Namespaces: the write itself will say so if it is missing).
  const desiredNs = new Set(prep.objects.filter((p) => p.object.kind === 'Namespace' && p.gvk.group === '').map((p) => p.object.metadata.name!));
  const nsProblem = (ns: string): string | undefined => {
    if (!ns || desiredNs.has(ns)) return undefined;
    const st = state.namespaces.get(ns);
    if (st === 'missing') return `namespace "${ns}" does not exist (create it, or add a Namespace object to the app)`;
    if (typeof st === 'object') return `cannot check namespace "${ns}": ${st.error}`;
    return undefined;
  };
  const nsFailures = applyTasks.filter((t) => nsProblem(t.key.namespace)).map((t) => taskResult(t, 'failed', nsProblem(t.key.namespace)));
  for (const h of hooks) {
    const why = nsProblem(h.object.metadata.namespace ?? '');
    if (why) nsFailures.push(baseOf(h.object, 'none', 'failed', { source: h.source, message: why }));
  }
  if (nsFailures.length) return preflightFailure(opts, started, nsFailures, prep.objects);
  // Hooks run only when the sync writes something: an in-sync app makes zero writes.
  const hasWork = applyTasks.length > 0 || plan.prunes.length > 0;
  const hookCtx: HookContext = { cluster, app, signal, scrubber };
  const notRun = (phase: 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail', why: string) =>
    hooks.filter((h) => h.hook.phases.includes(phase)).map((h) => hookResult(h, phase, 'skipped', `${phase} hook not run: ${why}`));

  const results: ResourceResult[] = [];
  const unchanged = plan.unchanged.map((t) => taskResult(t, 'unchanged', t.warning));
  const orphans = plan.orphans.map((t) => taskResult(t, 'skipped', t.reason));

  // 4a. Dry run: the server validates every write (admission, immutable fields) without persisting.
  if (opts.dryRun) {
    const applied = await mapLimit(applyTasks, conc, async (t) => {
      if (pending.has(keyString(t.key))) return taskResult(t, 'applied', 'dry run: its CRD is created by this sync, so the server cannot validate it yet');
      if (t.key.namespace && desiredNs.has(t.key.namespace) && state.namespaces.get(t.key.namespace) === 'missing') {
        return taskResult(t, 'applied', `dry run: its namespace "${t.key.namespace}" is created by this sync, so the server cannot validate it yet`);
      }
      try {
        const so = syncOptionsOf(t.object);
        await cluster.resources.apply(t.object, { dryRun: true, force: so.force || so.conflicts === 'force', fieldValidation: so.validate ? 'Strict' : 'Ignore', signal });
        return taskResult(t, 'applied', `dry run: accepted by the server${t.warning ? `; ${t.warning}` : ''}`);
      } catch (e) {
        if (syncOptionsOf(t.object).replace && t.live && isImmutableError(e)) return taskResult(t, 'applied', `dry run: would be replaced (deleted and re-created, sync option Replace=true): ${scrubber.scrub(kubeMessage(e))}`);
        return taskResult(t, 'failed', scrubber.scrub(explainApplyError(e)));
      }
    });
    // Prunes too are sent as server-side dry-run deletes (finalizers, admission, RBAC are checked).
    const prunes = await mapLimit(plan.prunes, conc, async (t) => {
      try {
        const existed = await cluster.resources.delete(gvkOf(t.object.apiVersion, t.object.kind), t.key.namespace, t.key.name, { propagationPolicy: opts.propagationPolicy ?? 'Foreground', dryRun: true, signal });
        return taskResult(t, 'pruned', existed ? 'dry run: the server accepted the delete' : 'dry run: already gone');
      } catch (e) {
        return taskResult(t, 'failed', `dry run: the server rejected the delete: ${scrubber.scrub(explainApplyError(e))}`);
      }
    });
    const hookNotes = hasWork
      ? hooks.flatMap((h) => h.hook.phases.map((phase) => hookResult(h, phase, 'skipped', `dry run: the sync would run this ${phase} hook`)))
      : [];
    results.push(...applied, ...unchanged, ...prunes, ...orphans, ...hookNotes);
    const r = finish(opts, started, results, '');
    r.message = `dry run: ${plan.counts.create} to create, ${plan.counts.update} to update, ${plan.counts.prune} to prune, ${plan.counts.none} unchanged` +
      (r.counts.failed ? `; ${r.counts.failed} rejected by the server` : '');
    return r;
  }

  // 4b. Apply, wave by wave.
  let stop: string | undefined;
  const written = new Map<string, { generation?: number }>();
  const healthTarget = (key: HealthTarget['key'], apiVersion: string): HealthTarget => ({ key, apiVersion, written: written.get(keyString(key)) });
  const waitOpts = { degradedSettleMs: opts.degradedSettleMs, healthChecks: opts.healthChecks };
  // PreSync hooks must all succeed before anything else is written.
  if (hasWork) {
    const pre = await runHookPhase(hookCtx, 'PreSync', hooks);
    results.push(...pre.results);
    if (pre.failed) stop = pre.failed;
  }
  for (let wi = 0; wi < plan.waves.length; wi++) {
    const wave = plan.waves[wi];
    if (stop) {
      results.push(...wave.tasks.map((t) => taskResult(t, 'skipped', `not applied: ${stop}`)));
      continue;
    }
    const waveResults: ResourceResult[] = [];
    for (const group of applyGroups(wave.tasks)) {
      if (stop) {
        waveResults.push(...group.map((t) => taskResult(t, 'skipped', `not applied: ${stop}`)));
        continue;
      }
      const rs = await mapLimit(group, conc, (t) => applyOne(cluster, t, pending.has(keyString(t.key)), signal, state.cache, written, scrubber, opts.allowedNamespaces));
      waveResults.push(...rs);
      // Later kind groups depend on earlier ones (namespaces, CRDs): stop at the first failure.
      if (rs.some((r) => r.outcome === 'failed')) stop = `an earlier write in wave ${wave.wave} failed`;
    }
    results.push(...waveResults);
    if (stop) { stop = `wave ${wave.wave} failed`; continue; }
    // Like Argo CD: the next wave starts only when this one is healthy.
    if (wi < plan.waves.length - 1 && opts.timeoutMs > 0) {
      const targets = wave.tasks.map((t) => healthTarget(t.key, t.object.apiVersion));
      const w = await waitForHealth(state.cache, targets, deadline, waitOpts);
      const bad = [...w.health.entries()].filter(([, h]) => h.status === 'Degraded' || h.status === 'Progressing' || h.status === 'Missing');
      if (bad.length) {
        stop = w.timedOut ? `wave ${wave.wave} did not become healthy before the timeout` : `wave ${wave.wave} is ${aggregateHealth(bad.map(([, h]) => h.status))}`;
        for (const r of waveResults) {
          const h = w.health.get(keyString(r));
          if (h && bad.some(([k]) => k === keyString(r))) { r.outcome = 'failed'; r.health = { status: h.status, message: h.message }; r.message = `applied, but ${h.status}: ${h.message}`; }
        }
      }
    }
  }

  // Sync hooks run with the main phase, once its applies succeeded (before prunes).
  if (hasWork && !stop) {
    const sh = await runHookPhase(hookCtx, 'Sync', hooks);
    results.push(...sh.results);
    if (sh.failed) stop = sh.failed;
  } else if (hasWork) results.push(...notRun('Sync', stop!));

  // 5. Prune, only after every apply succeeded.
  const pruneResults: ResourceResult[] = [];
  if (stop) pruneResults.push(...plan.prunes.map((t) => taskResult(t, 'skipped', `not pruned: ${stop}`)));
  else {
    // PruneLast=true prunes form groups of their own, after all others.
    const last = (t: PlanTask) => syncOptionsOf(t.object).pruneLast;
    for (const group of [...applyGroups(plan.prunes.filter((t) => !last(t))), ...applyGroups(plan.prunes.filter(last))]) {
      const rs = await mapLimit(group, conc, async (t) => {
        try {
          await cluster.resources.delete(gvkOf(t.object.apiVersion, t.object.kind), t.key.namespace, t.key.name, { propagationPolicy: opts.propagationPolicy ?? 'Foreground', signal });
          state.cache.observe(t.object, true);
          return taskResult(t, 'pruned');
        } catch (e) {
          return taskResult(t, 'failed', scrubber.scrub(explainApplyError(e))); // t.object is the live object, registered below
        }
      });
      pruneResults.push(...rs);
    }
  }
  results.push(...unchanged, ...pruneResults, ...orphans);
  const inventoryWarning = await saveInventory(cluster, app, prep.namespace, prep.objects.map((p) => p.object), state, signal);

  // 6. Health of everything desired, waiting (via the watch cache) when asked to.
  const targets = prep.objects.map((p) => healthTarget(keyOf(p.object), p.object.apiVersion));
  const w = await waitForHealth(state.cache, targets, opts.timeoutMs > 0 && !stop ? deadline : 0, waitOpts);
  const statuses: HealthStatus[] = [];
  for (const r of results) {
    if (r.action === 'prune') continue;
    const h = w.health.get(keyString(r));
    if (h) { r.health = r.health ?? { status: h.status, message: h.message }; statuses.push(h.status); }
  }
  const health = aggregateHealth(statuses);
  // PostSync hooks once the app is healthy; SyncFail hooks when the sync failed.
  if (hasWork) {
    if (!stop && health === 'Healthy') {
      const post = await runHookPhase(hookCtx, 'PostSync', hooks);
      results.push(...post.results);
      if (post.failed) stop = post.failed;
    } else results.push(...notRun('PostSync', stop ?? `the app is ${health}`));
    if (stop || results.some((r) => r.outcome === 'failed')) {
      const fail = await runHookPhase(hookCtx, 'SyncFail', hooks);
      results.push(...fail.results);
    }
  }
  const res = finish(opts, started, results, '', { health, healthTimedOut: opts.timeoutMs > 0 && !stop ? w.timedOut : undefined });
  const c = res.counts;
  res.message = stop
    ? `sync failed: ${stop}; ${c.applied} applied, ${c.failed} failed, ${c.skipped} skipped`
    : `${c.applied} applied, ${c.pruned} pruned, ${c.unchanged} unchanged${c.failed ? `, ${c.failed} failed` : ''}${c.skipped ? `, ${c.skipped} skipped` : ''}; health ${health}` +
      (res.healthTimedOut ? ` (timed out waiting for health${waitingOn(res.resources)})` : '');
  if (inventoryWarning) res.message += `; ${inventoryWarning}`;
  return res;
}

/** Which objects a health wait that ran out of time was still waiting on (a few, then a count). */
function waitingOn(resources: ResourceResult[]): string {
  const pending = resources.filter((r) => r.health && r.health.status !== 'Healthy');
  if (!pending.length) return '';
  const named = pending.slice(0, 3).map((r) => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name} (${r.health!.status}${r.health!.message ? `: ${r.health!.message}` : ''})`);
  return ` of ${named.join(', ')}${pending.length > 3 ? ` and ${pending.length - 3} more` : ''}`;
}
