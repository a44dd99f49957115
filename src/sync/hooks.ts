// Running sync hooks (see src/core/hooks): a phase's hooks run wave by wave (ascending), the hooks of one
// wave at once; a hook that fails stops its phase. A hook is (re)created — after deleting the previous
// run when its delete policy is BeforeHookCreation — and then waited for: a Job until Complete or Failed,
// a Pod until Succeeded or Failed, any other kind until Healthy (Degraded fails). All of it is bounded by
// the sync's signal. A failure says why in the hook's own words: the Job's Failed condition, its failed
// pod's container termination reason/message and the last log lines the API gives.
import { assessHealth } from '../core/health/index.ts';
import type { HookPhase, HookSpec } from '../core/hooks/index.ts';
import { HOOK_APP_ANNOTATION } from '../core/hooks/index.ts';
import { displayKey, keyOf, parseApiVersion, type KubeObject, type SourceLocation } from '../core/model/object.ts';
import { APP_LABEL, FIELD_MANAGER, TRACKING_ANNOTATION } from '../core/ownership.ts';
import type { SecretScrubber } from '../core/redact-secrets.ts';
import type { Cluster } from '../kube/cluster.ts';
import { gvkOf, type GVK } from '../kube/discovery.ts';
import { kubeMessage, kubeStatus } from '../kube/errors.ts';
import { sleep } from '../kube/http.ts';
import type { ResourceResult } from './types.ts';

const POLL_MS = 250;
const LOG_LINES = 10;

export interface PreparedHook {
  object: KubeObject;
  source?: SourceLocation;
  gvk: GVK;
  hook: HookSpec;
}

export interface HookContext {
  cluster: Cluster;
  app: string;
  signal: AbortSignal;
  scrubber: SecretScrubber;
}

export interface HookPhaseResult {
  results: ResourceResult[];
  /** Why the phase failed (the first failing hook), undefined when every hook succeeded. */
  failed?: string;
}

/** A hook as it is written: no ownership marks (hooks are never pruned or diffed), the app that ran it noted. */
export function hookObject(obj: KubeObject, app: string): KubeObject {
  const labels = { ...(obj.metadata.labels ?? {}) };
  const annotations = { ...(obj.metadata.annotations ?? {}) };
  if (labels[APP_LABEL] === app) delete labels[APP_LABEL];
  delete annotations[TRACKING_ANNOTATION];
  annotations[HOOK_APP_ANNOTATION] = app;
  return { ...obj, metadata: { ...obj.metadata, labels, annotations } };
}

export function hookResult(h: PreparedHook, phase: HookPhase, outcome: ResourceResult['outcome'], message: string): ResourceResult {
  const { group, version } = parseApiVersion(h.object.apiVersion);
  const md = h.object.metadata;
  return {
    group, version, kind: h.object.kind, namespace: md.namespace ?? '', name: md.name ?? '',
    action: outcome === 'applied' || outcome === 'failed' ? 'create' : 'none', outcome, wave: h.hook.wave, hook: phase,
    message, ...(h.source ? { source: h.source } : {}),
  };
}

type Done = { ok: true; message: string } | { ok: false; message: string } | undefined;

function conditionsOf(obj: KubeObject): Array<Record<string, string>> {
  const c = (obj.status as { conditions?: unknown } | undefined)?.conditions;
  return Array.isArray(c) ? (c as Array<Record<string, string>>) : [];
}

/** Whether a hook object has finished, and how. */
function doneOf(obj: KubeObject): Done {
  if (obj.kind === 'Job' && parseApiVersion(obj.apiVersion).group === 'batch') {
    const conds = conditionsOf(obj).filter((c) => c.status === 'True');
    const failed = conds.find((c) => c.type === 'Failed');
    if (failed) return { ok: false, message: `Job failed: ${failed.reason ?? 'Failed'}${failed.message ? ` (${failed.message})` : ''}` };
    const complete = conds.find((c) => c.type === 'Complete');
    if (complete) return { ok: true, message: 'Job completed' };
    return undefined;
  }
  if (obj.kind === 'Pod' && parseApiVersion(obj.apiVersion).group === '') {
    const phase = (obj.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Succeeded') return { ok: true, message: 'Pod succeeded' };
    if (phase === 'Failed') return { ok: false, message: 'Pod failed' };
    return undefined;
  }
  const h = assessHealth(obj);
  if (!h || h.status === 'Healthy') return { ok: true, message: 'applied and healthy' };
  if (h.status === 'Degraded') return { ok: false, message: `Degraded: ${h.message}` };
  return undefined;
}

/** What a pod's containers say about why it failed (or is stuck), plus its last log lines when the API gives them. */
async function podStory(ctx: HookContext, pod: KubeObject): Promise<string> {
  const parts: string[] = [];
  const statuses = ((pod.status as { containerStatuses?: unknown } | undefined)?.containerStatuses ?? []) as Array<Record<string, any>>;
  let failedContainer: string | undefined;
  for (const c of statuses) {
    const term = c.state?.terminated ?? c.lastState?.terminated;
    const wait = c.state?.waiting;
    if (term && term.exitCode !== 0) {
      failedContainer ??= c.name;
      parts.push(`container "${c.name}" terminated: ${term.reason ?? 'Error'}, exit code ${term.exitCode}${term.message ? `: ${String(term.message).trim()}` : ''}`);
    } else if (wait?.reason && wait.reason !== 'ContainerCreating' && wait.reason !== 'PodInitializing') {
      parts.push(`container "${c.name}" waiting: ${wait.reason}${wait.message ? ` (${wait.message})` : ''}`);
    }
  }
  if (failedContainer) {
    try {
      const log = await ctx.cluster.http.request<unknown>('GET', `/api/v1/namespaces/${encodeURIComponent(pod.metadata.namespace ?? '')}/pods/${encodeURIComponent(pod.metadata.name ?? '')}/log`,
        { query: { container: failedContainer, tailLines: LOG_LINES }, signal: ctx.signal, retry: false });
      if (typeof log === 'string' && log.trim()) parts.push(`last log lines:\n${log.trimEnd().split('\n').slice(-LOG_LINES).join('\n')}`);
    } catch {
      // Logs are a courtesy: a runtime that keeps none (or RBAC without pods/log) must not hide the reason.
    }
  }
  return parts.join('; ');
}

async function failureStory(ctx: HookContext, obj: KubeObject): Promise<string> {
  const ns = obj.metadata.namespace ?? '';
  try {
    if (obj.kind === 'Pod') return await podStory(ctx, obj);
    if (obj.kind !== 'Job') return '';
    const pods = await ctx.cluster.resources.list(gvkOf('v1', 'Pod'), { namespace: ns, labelSelector: `job-name=${obj.metadata.name}`, signal: ctx.signal });
    const uid = obj.metadata.uid;
    const mine = pods.items.filter((p) => !uid || (p.metadata.ownerReferences ?? []).some((r) => r.uid === uid));
    const failed = mine.filter((p) => (p.status as { phase?: string } | undefined)?.phase === 'Failed');
    const pick = failed[failed.length - 1] ?? mine[mine.length - 1];
    if (!pick) return '';
    const story = await podStory(ctx, pick);
    return story ? `pod ${pick.metadata.name}: ${story}` : '';
  } catch {
    return '';
  }
}

async function deleteAndWait(ctx: HookContext, h: PreparedHook): Promise<void> {
  const { namespace = '', name = '' } = h.object.metadata;
  // Background: the Job's pods go too, and the name is free as soon as the Job itself is gone.
  const existed = await ctx.cluster.resources.delete(h.gvk, namespace, name, { propagationPolicy: 'Background', signal: ctx.signal });
  if (!existed) return;
  while (await ctx.cluster.resources.get(h.gvk, namespace, name, { signal: ctx.signal })) await sleep(POLL_MS, ctx.signal);
}

async function runOne(ctx: HookContext, h: PreparedHook, phase: HookPhase): Promise<ResourceResult> {
  const what = `${phase} hook ${displayKey(keyOf(h.object))}`;
  const policies = h.hook.deletePolicies;
  let last: KubeObject | undefined;
  try {
    if (policies.includes('BeforeHookCreation')) await deleteAndWait(ctx, h);
    last = await ctx.cluster.resources.apply(hookObject(h.object, ctx.app), { force: true, fieldManager: FIELD_MANAGER, signal: ctx.signal });
    last = { ...last, apiVersion: h.object.apiVersion, kind: h.object.kind };
    let done = doneOf(last);
    while (!done) {
      await sleep(POLL_MS, ctx.signal);
      const got = await ctx.cluster.resources.get(h.gvk, h.object.metadata.namespace ?? '', h.object.metadata.name ?? '', { signal: ctx.signal });
      if (!got) { done = { ok: false, message: 'deleted while it ran' }; break; }
      last = { ...got, apiVersion: h.object.apiVersion, kind: h.object.kind };
      done = doneOf(last);
    }
    let message = done.message;
    if (!done.ok) {
      const story = await failureStory(ctx, last);
      if (story) message += `; ${story}`;
    }
    if ((done.ok && policies.includes('HookSucceeded')) || (!done.ok && policies.includes('HookFailed'))) {
      await ctx.cluster.resources.delete(h.gvk, h.object.metadata.namespace ?? '', h.object.metadata.name ?? '', { propagationPolicy: 'Background', signal: ctx.signal })
        .then(() => { message += ` (deleted: ${done!.ok ? 'HookSucceeded' : 'HookFailed'})`; }, (e: unknown) => { message += ` (not deleted: ${kubeMessage(e)})`; });
    }
    return hookResult(h, phase, done.ok ? 'applied' : 'failed', ctx.scrubber.scrub(`${what}: ${message}`));
  } catch (e) {
    if (ctx.signal.aborted) {
      // Say what the hook was doing when time ran out (a pod stuck pulling its image, say).
      const story = last ? await failureStory({ ...ctx, signal: AbortSignal.timeout(2000) }, last) : '';
      return hookResult(h, phase, 'failed', ctx.scrubber.scrub(`${what} did not finish before the sync timeout${story ? `; ${story}` : ''}`));
    }
    const why = kubeStatus(e) === 422 && /immutable/i.test(kubeMessage(e)) ? `${kubeMessage(e)} (give it delete policy BeforeHookCreation)` : kubeMessage(e);
    return hookResult(h, phase, 'failed', ctx.scrubber.scrub(`${what}: ${why}`));
  }
}

/** Runs the hooks of one phase, wave by wave; the first failing wave stops the phase (later hooks 'skipped'). */
export async function runHookPhase(ctx: HookContext, phase: HookPhase, hooks: PreparedHook[]): Promise<HookPhaseResult> {
  const mine = hooks.filter((h) => h.hook.phases.includes(phase));
  const waves = [...new Set(mine.map((h) => h.hook.wave))].sort((a, b) => a - b);
  const results: ResourceResult[] = [];
  let failed: string | undefined;
  for (const wave of waves) {
    const batch = mine.filter((h) => h.hook.wave === wave);
    if (failed) {
      results.push(...batch.map((h) => hookResult(h, phase, 'skipped', `${phase} hook not run: ${failed}`)));
      continue;
    }
    const rs = await Promise.all(batch.map((h) => runOne(ctx, h, phase)));
    results.push(...rs);
    const bad = rs.find((r) => r.outcome === 'failed');
    if (bad) failed = bad.message;
  }
  return { results, ...(failed ? { failed } : {}) };
}
