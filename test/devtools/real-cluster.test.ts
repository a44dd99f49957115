// The real control plane and its stand-in kubelet: the server is the pinned release, and workloads reach
// the states real controllers report (rollouts complete, Jobs finish, failures show as a kubelet shows them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until } from '../../src/devtools/system.ts';
import { realBackend, realBackendEnabled, type TestCluster } from '../support/cluster-backend.ts';

type Obj = { status?: Record<string, unknown> & { conditions?: Array<{ type: string; status: string; reason?: string }> }; metadata: { name?: string } };
const cond = (o: Obj | undefined, type: string) => o?.status?.conditions?.find((c) => c.type === type);

function deployment(name: string, namespace: string, image: string, replicas: number) {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image }] } } },
  };
}
function job(name: string, namespace: string, image: string) {
  return {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace },
    spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image }] } } },
  };
}
async function pods(t: TestCluster, ns: string, app: string) {
  const r = await t.cluster.resources.list({ group: '', version: 'v1', kind: 'Pod' }, { namespace: ns, labelSelector: `app=${app}` });
  return r.items as Array<Obj & { spec?: { nodeName?: string }; status?: { phase?: string; podIP?: string; containerStatuses?: Array<{ state: Record<string, { reason?: string }> }> } }>;
}

if (realBackendEnabled()) {
  test('real control plane: serves the pinned release; kubectl talks to it', async () => {
    const t = await realBackend.start();
    try {
      const v = JSON.parse(await t.kubectl('version', '-o', 'json')) as { serverVersion: { gitVersion: string; major: string; minor: string } };
      assert.equal(v.serverVersion.gitVersion, 'v1.36.3');
      assert.equal(v.serverVersion.minor, '36');
      const nodes = JSON.parse(await t.kubectl('get', 'nodes', '-o', 'json')) as { items: Array<Obj & { spec: { taints?: unknown[] } }> };
      assert.equal(nodes.items.length, 1);
      assert.equal(cond(nodes.items[0], 'Ready')?.status, 'True');
      assert.equal(nodes.items[0]!.spec.taints, undefined, 'no not-ready taint left');
    } finally {
      await t.close();
    }
  });

  test('real control plane: a rollout completes, scaling down removes pods, a Job completes, a DaemonSet runs', async () => {
    const t = await realBackend.start();
    try {
      const ns = await t.namespace('kubelet');
      await t.put(deployment('web', ns, 'nginx:1.27', 3));
      const d = await until('deployment available', async () => {
        const o = await t.get('apps/v1', 'Deployment', ns, 'web') as Obj | undefined;
        return o?.status?.availableReplicas === 3 && cond(o, 'Available')?.status === 'True' ? o : undefined;
      });
      assert.equal(cond(d, 'Progressing')?.reason, 'NewReplicaSetAvailable');
      const running = await pods(t, ns, 'web');
      assert.equal(running.length, 3);
      for (const p of running) {
        assert.equal(p.status?.phase, 'Running');
        assert.equal(p.spec?.nodeName, 'stand-in-node');
        assert.match(p.status?.podIP ?? '', /^10\.244\./);
        assert.equal(cond(p, 'Ready')?.status, 'True');
      }
      await t.put(deployment('web', ns, 'nginx:1.27', 1));
      await until('pods of the scaled-down deployment gone', async () => (await pods(t, ns, 'web')).length === 1);

      await t.put(job('once', ns, 'busybox:1.36'));
      const done = await until('job complete', async () => {
        const o = await t.get('batch/v1', 'Job', ns, 'once') as Obj | undefined;
        return cond(o, 'Complete')?.status === 'True' ? o : undefined;
      });
      assert.equal(done.status?.succeeded, 1);

      await t.put({
        apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: ns },
        spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'agent:1' }] } } },
      });
      await until('daemonset ready on the one node', async () => {
        const o = await t.get('apps/v1', 'DaemonSet', ns, 'agent') as Obj | undefined;
        return o?.status?.desiredNumberScheduled === 1 && o.status.numberReady === 1;
      });
    } finally {
      await t.close();
    }
  });

  test('real control plane: a broken image never starts, a crashing Job fails', async () => {
    const t = await realBackend.start();
    try {
      const ns = await t.namespace('failing');
      await t.put(deployment('bad', ns, 'registry.example/broken:1', 1));
      const pod = await until('pod in ImagePullBackOff', async () => {
        const [p] = await pods(t, ns, 'bad');
        return p?.status?.containerStatuses?.[0]?.state.waiting?.reason === 'ImagePullBackOff' ? p : undefined;
      });
      assert.equal(pod.status?.phase, 'Pending');
      const d = await t.get('apps/v1', 'Deployment', ns, 'bad') as Obj | undefined;
      assert.equal(d?.status?.availableReplicas, undefined);

      await t.put(job('crash', ns, 'registry.example/crash:1'));
      const failed = await until('job failed', async () => {
        const o = await t.get('batch/v1', 'Job', ns, 'crash') as Obj | undefined;
        return cond(o, 'Failed')?.status === 'True' ? o : undefined;
      });
      assert.equal(cond(failed, 'Failed')?.reason, 'BackoffLimitExceeded');
    } finally {
      await t.close();
    }
  });
}
