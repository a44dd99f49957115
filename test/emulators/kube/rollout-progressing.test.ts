// The Deployment Progressing condition over a watch, step by step, as kube-controller-manager sets it:
// a created ReplicaSet -> NewReplicaSetCreated (even over ProgressDeadlineExceeded), a found one ->
// FoundNewReplicaSet only when there is no Progressing condition, progress -> ReplicaSetUpdated,
// completion -> NewReplicaSetAvailable, no progress within the deadline -> ProgressDeadlineExceeded,
// which stays until progress or completion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { KubeEmulator } from '../../../emulators/kube/index.ts';
import { call, createNamespace, deployment, onWatchEvents, withEmulator } from './helpers.ts';

const DEPLOYS = '/apis/apps/v1/namespaces/shop/deployments';
const SMP = { 'Content-Type': 'application/strategic-merge-patch+json' };
const progressing = (o: any) => (o.status?.conditions ?? []).find((c: any) => c.type === 'Progressing');

/** Watches the namespace's Deployments; `until(rv)` resolves once the event with that resourceVersion arrived. */
function recorder(e: KubeEmulator) {
  const events: any[] = [];
  let wake = () => {};
  let opened!: () => void;
  const open = new Promise<void>((r) => { opened = r; });
  const req = request(`${e.url}${DEPLOYS}?watch=1`, { headers: { Authorization: `Bearer ${e.token}` } }, (res) => {
    opened();
    onWatchEvents(res, (ev) => {
      events.push(ev);
      wake();
    });
  });
  req.on('error', () => {});
  req.end();
  return {
    open,
    async until(rv: string): Promise<any[]> {
      while (!events.some((ev) => ev.object?.metadata?.resourceVersion === rv)) await new Promise<void>((r) => { wake = r; });
      return events.map((ev) => ev.object);
    },
    close: () => req.destroy(),
  };
}

type Step = (e: KubeEmulator) => Promise<void>;
const create = (image: string, extra: Record<string, unknown> = {}): Step => async (e) => {
  const d = deployment('web', { image, replicas: 2 });
  Object.assign(d.spec, extra);
  assert.equal((await call(e, 'POST', DEPLOYS, d)).status, 201);
  await e.settle();
};
const patch = (body: unknown): Step => async (e) => {
  assert.equal((await call(e, 'PATCH', `${DEPLOYS}/web`, body, SMP)).status, 200);
  await e.settle();
};
const image = (img: string) => patch({ spec: { template: { spec: { containers: [{ name: 'app', image: img }] } } } });
const tick: Step = async (e) => { e.tick(); await e.settle(); };

const NONE = '-';
const CREATED = 'True/NewReplicaSetCreated';
const FOUND = 'True/FoundNewReplicaSet';
const UPDATED = 'True/ReplicaSetUpdated';
const AVAILABLE = 'True/NewReplicaSetAvailable';
const TIMED_OUT = 'False/ProgressDeadlineExceeded';

// scaledDeadline: progressDeadlineMs for every Deployment (1 s unless a case reads the spec's own value).
const cases: Array<{ name: string; steps: Step[]; want: string[]; scaledDeadline?: number; check?: (conds: any[], rss: any[]) => void }> = [
  {
    name: 'a new Deployment: created, progressing, available',
    steps: [create('nginx:1.27'), tick],
    want: [NONE, CREATED, UPDATED, AVAILABLE],
    check: (conds, rss) => assert.equal(conds.find((c) => c.reason === 'NewReplicaSetCreated').message, `Created new replica set "${rss[0].metadata.name}"`),
  },
  {
    name: 'a new pod template after a timeout starts over with NewReplicaSetCreated',
    steps: [create('app:broken'), tick, image('nginx:1.27'), tick],
    want: [NONE, CREATED, UPDATED, TIMED_OUT, CREATED, UPDATED, AVAILABLE],
    check: (conds) => {
      const fresh = conds[conds.findIndex((c) => c.reason === 'ProgressDeadlineExceeded') + 1];
      assert.equal(fresh.lastTransitionTime, fresh.lastUpdateTime, 'False -> True is a transition');
    },
  },
  {
    name: 'a second broken template times out again under its own ReplicaSet',
    steps: [create('app:broken'), tick, image('app:broken-too'), tick],
    want: [NONE, CREATED, UPDATED, TIMED_OUT, CREATED, UPDATED, TIMED_OUT],
  },
  {
    name: 'rolling back onto a stuck ReplicaSet keeps ProgressDeadlineExceeded (no progress, no FoundNewReplicaSet)',
    steps: [create('app:broken'), tick, image('app:broken-too'), tick, image('app:broken'), tick],
    want: [NONE, CREATED, UPDATED, TIMED_OUT, CREATED, UPDATED, TIMED_OUT],
    check: (conds, rss) => {
      const second = rss.find((rs) => rs.spec.template.spec.containers[0].image === 'app:broken-too');
      assert.equal(conds.at(-1).message, `ReplicaSet "${second.metadata.name}" has timed out progressing.`, 'an unchanged condition keeps its message');
    },
  },
  {
    name: 'rolling back onto a healthy ReplicaSet after a timeout: completion replaces ProgressDeadlineExceeded',
    steps: [create('nginx:1.27'), tick, image('app:broken'), tick, image('nginx:1.27')],
    want: [NONE, CREATED, UPDATED, AVAILABLE, CREATED, UPDATED, TIMED_OUT, AVAILABLE],
  },
  {
    name: 'a Deployment that gains a deadline while its ReplicaSet exists: FoundNewReplicaSet, then the deadline',
    steps: [create('app:broken', { progressDeadlineSeconds: 2147483647 }), tick, patch({ spec: { progressDeadlineSeconds: 600 } }), tick],
    want: [NONE, FOUND, TIMED_OUT],
    scaledDeadline: undefined,
    check: (conds, rss) => assert.equal(conds.find((c) => c.reason === 'FoundNewReplicaSet').message, `Found new replica set "${rss[0].metadata.name}"`),
  },
];

for (const c of cases) {
  test(`Progressing condition: ${c.name}`, async () => {
    await withEmulator({ rollout: { manual: true, failImagePattern: /:broken(-too)?$/, progressDeadlineMs: 'scaledDeadline' in c ? c.scaledDeadline : 1000 } }, async (e) => {
      await createNamespace(e, 'shop');
      const rec = recorder(e);
      try {
        await rec.open;
        for (const step of c.steps) await step(e);
        const last = (await call(e, 'GET', `${DEPLOYS}/web`)).body;
        const seen = await rec.until(last.metadata.resourceVersion);
        const conds = seen.map(progressing);
        const got = conds.map((p) => (p ? `${p.status}/${p.reason}` : NONE)).filter((s, i, all) => i === 0 || s !== all[i - 1]);
        assert.deepEqual(got, c.want);
        c.check?.(conds.filter(Boolean), e.listObjects('apps/v1', 'ReplicaSet', 'shop') as any[]);
      } finally {
        rec.close();
      }
    });
  });
}
