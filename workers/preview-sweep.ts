// The preview sweeper, a BullMQ job scheduler's job (every 5 minutes by default): for every recorded
// preview it asks GitHub for the PR and the cluster for the namespace, and lets the pure decision
// (src/core/preview/sweep-decision.ts) say whether to remove it. Removal is the same `down` job a
// close queues, so the deployment goes inactive and the comment says why. It then gives free slots
// to the oldest previews waiting under the repository's limit, which also repairs a promotion lost
// to a worker that died between freeing a slot and queueing the next preview.
import { decideSweep, type RemovalReason, type SweepDecision } from '../src/core/preview/sweep-decision.ts';
import { statusOf } from '../src/github/client.ts';
import { gvkOf } from '../src/kube/discovery.ts';
import type { KubeObject } from '../src/core/model/object.ts';
import type { PreviewRecord } from '../src/store/previews.ts';
import { CLOSED_HEAD, prScope } from '../src/store/latest-sha.ts';
import type { WorkerDeps } from './deps.ts';
import { promoteWaiting } from './preview-slots.ts';

/** What the sweeper needs to know of one recorded preview. */
export type SweptPreview = Pick<PreviewRecord, 'repo' | 'installationId' | 'pr' | 'app' | 'cluster' | 'namespace' | 'headSha' | 'lastPushAt' | 'ttlMs'>;

export interface SweepReport {
  checked: number;
  removed: Array<{ repo: string; pr: number; app: string; reason: RemovalReason }>;
  /** Recorded previews whose namespace exists without our markers: never touched, logged. */
  leftAlone: Array<{ repo: string; pr: number; app: string; namespace: string }>;
  /** Waiting previews queued again because a slot is free. */
  promoted: number;
  /** Previews that could not be checked this time (GitHub or the cluster failed); the next sweep tries again. */
  failed: number;
}

const NAMESPACE = gvkOf('v1', 'Namespace');

export async function runSweep(deps: WorkerDeps, sweep: SweepDeps): Promise<SweepReport> {
  const now = deps.now?.() ?? Date.now();
  const log = deps.log.child({ job: 'preview-sweep' });
  const report: SweepReport = { checked: 0, removed: [], leftAlone: [], promoted: 0, failed: 0 };
  for (const p of await sweep.list()) {
    report.checked++;
    let decision: SweepDecision;
    try {
      decision = decideSweep({ now, ttlMs: p.ttlMs, lastPushAt: p.lastPushAt, pr: await prState(deps, p), namespace: await namespaceState(deps, p, sweep) });
    } catch (e) {
      report.failed++;
      log.warn({ repo: p.repo, pr: p.pr, app: p.app, err: (e as Error).message }, 'preview not checked; the next sweep tries again');
      continue;
    }
    if (decision.action === 'leave-alone') {
      report.leftAlone.push({ repo: p.repo, pr: p.pr, app: p.app, namespace: p.namespace });
      log.warn({ repo: p.repo, pr: p.pr, app: p.app, namespace: p.namespace }, 'namespace exists without the preview markers of this preview: left alone');
      continue;
    }
    if (decision.action === 'keep') continue;
    await sweep.remove(p, decision.reason);
    report.removed.push({ repo: p.repo, pr: p.pr, app: p.app, reason: decision.reason });
    log.info({ repo: p.repo, pr: p.pr, app: p.app, reason: decision.reason }, 'preview removal queued');
  }
  report.promoted = await sweep.promoteWaiting();
  return report;
}

/** How the sweeper reads and acts on the preview records (the preview store and queue). */
export interface SweepDeps {
  list(): Promise<SweptPreview[]>;
  /** Whether the live namespace carries this preview's marker labels. */
  owns(ns: KubeObject, p: SweptPreview): boolean;
  /** Queue the same `down` job a close queues, with the reason. */
  remove(p: SweptPreview, reason: RemovalReason): Promise<void>;
  /** Queue the oldest waiting previews again where their repository has free slots; how many. */
  promoteWaiting(): Promise<number>;
}

async function prState(deps: WorkerDeps, p: SweptPreview): Promise<{ state: 'open' | 'closed'; labels: string[] } | 'not-found'> {
  const gh = await deps.github(p.repo, p.installationId);
  try {
    const pr = await gh.pull(p.pr);
    return { state: pr.state === 'open' ? 'open' : 'closed', labels: pr.labels };
  } catch (e) {
    if (statusOf(e) === 404) return 'not-found';
    throw e;
  }
}

async function namespaceState(deps: WorkerDeps, p: SweptPreview, sweep: SweepDeps): Promise<{ owned: boolean } | undefined> {
  const ns = await deps.cluster(p.cluster).resources.get(NAMESPACE, '', p.namespace);
  return ns ? { owned: sweep.owns(ns, p) } : undefined;
}

/** The sweeper over the preview store, the slot queue and the preview queue. */
export function previewSweepDeps(deps: WorkerDeps, owns: SweepDeps['owns']): SweepDeps {
  const slots = deps.previewSlots;
  return {
    list: () => deps.previews.all(),
    owns,
    async remove(p, reason) {
      const seq = await deps.latest.nextSeq();
      // A PR that is closed or gone, as a close webhook would: whatever is still queued for it is stale.
      if (reason !== 'expired') await deps.latest.offer(prScope(p.repo, p.pr), seq, CLOSED_HEAD);
      await deps.producer.preview({ repo: p.repo, installationId: p.installationId, pr: p.pr, app: p.app, headSha: p.headSha, action: 'down', seq, deliveryId: `sweep-${seq}`, reason });
    },
    async promoteWaiting() {
      let n = 0;
      for (const repo of await slots.reposWithWaiting()) n += await promoteWaiting(deps, repo);
      return n;
    },
  };
}
