// Wait until the given objects settle (none Progressing or Missing), driven by the app's watch cache:
// each watch event re-assesses only the object it is about, so waiting costs no polling requests.
//
// Right after a write, an object's status can still describe the previous spec: a Deployment keeps a
// `Progressing=False/ProgressDeadlineExceeded` condition from an earlier failed rollout until the
// controller sees progress (kube-controller-manager's syncRolloutStatus only replaces it when replicas move),
// so the first Degraded seen after a fix is often stale. Two rules keep a transient Degraded from ending the
// wait (kstatus likewise reads status with observedGeneration < generation as InProgress, and Argo CD's wave
// gate keeps waiting on anything not Healthy):
// - an object we wrote whose status.observedGeneration (or cached generation) is older than the generation
//   OUR apply returned is Progressing, whatever its old status says;
// - an object we wrote that is Degraded only counts as final after staying Degraded for `degradedSettleMs`
//   (a transition to Progressing/Healthy within that window wins), or when the deadline comes first.
import { assessHealth, type CustomHealthChecks } from '../core/health/index.ts';
import type { HealthResult } from '../core/health/types.ts';
import { keyOf, keyString, type KubeObject, type ResourceKey } from '../core/model/object.ts';
import type { OwnedCache } from '../kube/watch-cache.ts';
import { gvkOf } from '../kube/discovery.ts';

export interface HealthWait {
  health: Map<string, HealthResult>;
  /** True when objects were still Progressing or Missing at the deadline. */
  timedOut: boolean;
}

export interface HealthTarget {
  key: ResourceKey;
  apiVersion: string;
  /** Set for objects this sync wrote: the metadata.generation returned by our apply (if the kind has one). */
  written?: { generation?: number };
}

export interface HealthWaitOptions {
  /** How long an object we wrote must stay Degraded before that is final (default DEFAULT_DEGRADED_SETTLE_MS). */
  degradedSettleMs?: number;
  /** The operator config's CEL health checks (they override the built-in rule of their kind). */
  healthChecks?: CustomHealthChecks;
}

export const DEFAULT_DEGRADED_SETTLE_MS = 5_000;

const UNSETTLED = new Set(['Progressing', 'Missing']);

function numeric(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function healthOf(obj: KubeObject | undefined, t: HealthTarget | undefined, checks?: CustomHealthChecks): HealthResult {
  if (!obj) return { status: 'Missing', message: 'not found in the cluster' };
  const h = assessHealth(obj, checks) ?? { status: 'Healthy', message: '' };
  const wrote = t?.written?.generation;
  if (wrote !== undefined && !obj.metadata?.deletionTimestamp) {
    const cachedGen = numeric(obj.metadata?.generation);
    const observed = numeric((obj as { status?: { observedGeneration?: unknown } }).status?.observedGeneration);
    if ((cachedGen !== undefined && cachedGen < wrote) || (observed !== undefined && observed < wrote)) {
      return { status: 'Progressing', message: `waiting for the controller to observe generation ${wrote} (status is of generation ${observed ?? cachedGen})` };
    }
  }
  return h;
}

/**
 * Health per key; resolves when all are settled (a Degraded object we wrote after its settle window) or at
 * `deadline` (epoch ms).
 */
export function waitForHealth(cache: OwnedCache, targets: HealthTarget[], deadline: number, opts: HealthWaitOptions = {}): Promise<HealthWait> {
  const settleMs = Math.max(0, opts.degradedSettleMs ?? DEFAULT_DEGRADED_SETTLE_MS);
  const health = new Map<string, HealthResult>();
  const byKey = new Map(targets.map((t) => [keyString(t.key), t]));
  // A count of unsettled targets, kept as events come in: re-scanning every target on every watch event
  // would cost O(targets) per event in a big wave of workloads.
  let unsettled = 0;
  // Objects we wrote that are Degraded, with when they turned Degraded (their settle window's start).
  const degradedSince = new Map<string, number>();
  const set = (k: string, h: HealthResult) => {
    const before = health.get(k);
    if (before && UNSETTLED.has(before.status)) unsettled--;
    if (UNSETTLED.has(h.status)) unsettled++;
    health.set(k, h);
    if (h.status === 'Degraded' && byKey.get(k)?.written && settleMs > 0) {
      if (!degradedSince.has(k)) degradedSince.set(k, Date.now());
    } else degradedSince.delete(k);
  };
  for (const [k, t] of byKey) {
    const g = gvkOf(t.apiVersion, t.key.kind);
    set(k, healthOf(cache.get(g, t.key.namespace, t.key.name), t, opts.healthChecks));
  }
  /** Epoch ms when the last Degraded settle window ends (0 when none is open). */
  const windowEnd = () => {
    let end = 0;
    for (const since of degradedSince.values()) end = Math.max(end, since + settleMs);
    return end;
  };
  const settled = () => unsettled === 0 && windowEnd() <= Date.now();
  if (settled() || Date.now() >= deadline) return Promise.resolve({ health, timedOut: unsettled > 0 });
  return new Promise((resolve) => {
    let windowTimer: NodeJS.Timeout | undefined;
    const finish = () => {
      off();
      clearTimeout(timer);
      clearTimeout(windowTimer);
      resolve({ health, timedOut: unsettled > 0 });
    };
    // Re-check when the open settle windows end (only matters once nothing else is unsettled).
    const arm = () => {
      clearTimeout(windowTimer);
      windowTimer = undefined;
      if (unsettled > 0) return;
      const end = windowEnd();
      if (end > 0) windowTimer = setTimeout(() => { if (settled()) finish(); else arm(); }, Math.max(0, end - Date.now()));
    };
    const off = cache.on((type, obj) => {
      const k = keyString(keyOf(obj));
      const t = byKey.get(k);
      if (!t) return;
      set(k, type === 'DELETED' ? healthOf(undefined, t) : healthOf(obj, t, opts.healthChecks));
      if (settled()) finish();
      else arm();
    });
    const timer = setTimeout(finish, Math.max(0, deadline - Date.now()));
    arm();
  });
}
