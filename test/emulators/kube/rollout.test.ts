// The rollout simulator, driven by tick() (manual mode: nothing becomes ready until the test says so).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createNamespace, deployment, withEmulator } from './helpers.ts';

const DEPLOYS = '/apis/apps/v1/namespaces/shop/deployments';
const cond = (o: any, type: string) => (o.status?.conditions ?? []).find((c: any) => c.type === type);

test('a Deployment rolls out through a ReplicaSet and reports availability', async () => {
  await withEmulator({ rollout: { manual: true } }, async (e) => {
    await createNamespace(e, 'shop');
    await call(e, 'POST', DEPLOYS, deployment('web', { replicas: 3 }));
    await e.settle();
    const rss = e.listObjects('apps/v1', 'ReplicaSet', 'shop');
    assert.equal(rss.length, 1);
    const rs: any = rss[0];
    const hash = rs.metadata.labels['pod-template-hash'];
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(rs.metadata.name, `web-${hash}`);
    assert.equal(rs.metadata.ownerReferences[0].kind, 'Deployment');
    assert.equal(rs.metadata.annotations['deployment.kubernetes.io/revision'], '1');
    assert.equal(e.listObjects('v1', 'Pod', 'shop').length, 3);

    let d: any = (await call(e, 'GET', `${DEPLOYS}/web`)).body;
    assert.equal(d.status.observedGeneration, 1);
    assert.equal(d.status.updatedReplicas, 3);
    assert.equal(d.status.readyReplicas, undefined);
    assert.equal(cond(d, 'Available').status, 'False');
    assert.equal(cond(d, 'Progressing').status, 'True');
    assert.match(cond(d, 'Progressing').reason, /^(NewReplicaSetCreated|ReplicaSetUpdated)$/);

    e.tick();
    await e.settle();
    d = (await call(e, 'GET', `${DEPLOYS}/web`)).body;
    assert.deepEqual([d.status.replicas, d.status.updatedReplicas, d.status.readyReplicas, d.status.availableReplicas], [3, 3, 3, 3]);
    assert.deepEqual([cond(d, 'Available').status, cond(d, 'Available').reason], ['True', 'MinimumReplicasAvailable']);
    assert.deepEqual([cond(d, 'Progressing').status, cond(d, 'Progressing').reason], ['True', 'NewReplicaSetAvailable']);
    assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '1');
    assert.equal(d.metadata.generation, 1, 'controller writes do not bump generation');

    // A template change makes revision 2; the old ReplicaSet scales down once the new one is ready.
    await call(e, 'PATCH', `${DEPLOYS}/web`, { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.28' }] } } } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
    await e.settle();
    d = (await call(e, 'GET', `${DEPLOYS}/web`)).body;
    assert.equal(d.status.observedGeneration, 2);
    assert.equal(cond(d, 'Progressing').reason, 'ReplicaSetUpdated');
    e.tick();
    await e.settle();
    d = (await call(e, 'GET', `${DEPLOYS}/web`)).body;
    assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '2');
    assert.equal(cond(d, 'Progressing').reason, 'NewReplicaSetAvailable');
    const replicas = Object.fromEntries(e.listObjects('apps/v1', 'ReplicaSet', 'shop').map((x: any) => [x.metadata.annotations['deployment.kubernetes.io/revision'], x.spec.replicas]));
    assert.deepEqual(replicas, { 1: 0, 2: 3 });
    assert.equal(e.listObjects('v1', 'Pod', 'shop').length, 3);

    // Paused: a template change rolls nothing out.
    await call(e, 'PATCH', `${DEPLOYS}/web`, { spec: { paused: true, template: { spec: { containers: [{ name: 'app', image: 'nginx:1.29' }] } } } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
    await e.settle();
    e.tick();
    await e.settle();
    d = (await call(e, 'GET', `${DEPLOYS}/web`)).body;
    assert.deepEqual([cond(d, 'Progressing').status, cond(d, 'Progressing').reason], ['Unknown', 'DeploymentPaused']);
    assert.equal(d.status.observedGeneration, d.metadata.generation);
    assert.equal(e.listObjects('apps/v1', 'ReplicaSet', 'shop').length, 2, 'no new ReplicaSet while paused');

    await call(e, 'DELETE', `${DEPLOYS}/web`, { propagationPolicy: 'Background' });
    await e.settle();
    assert.equal(e.listObjects('apps/v1', 'ReplicaSet', 'shop').length, 0, 'ReplicaSets collected');
    assert.equal(e.listObjects('v1', 'Pod', 'shop').length, 0, 'Pods collected');
  });
});

test('an image matching failImagePattern never becomes ready and exceeds its progress deadline', async () => {
  await withEmulator({ rollout: { manual: true, failImagePattern: /:broken$/, progressDeadlineMs: 1000 } }, async (e) => {
    await createNamespace(e, 'shop');
    await call(e, 'POST', DEPLOYS, deployment('bad', { image: 'app:broken', replicas: 1 }));
    await e.settle();
    e.tick();
    await e.settle();
    const d: any = (await call(e, 'GET', `${DEPLOYS}/bad`)).body;
    assert.equal(d.status.readyReplicas, undefined);
    assert.deepEqual([cond(d, 'Progressing').status, cond(d, 'Progressing').reason], ['False', 'ProgressDeadlineExceeded']);
    assert.match(cond(d, 'Progressing').message, /^ReplicaSet "bad-\w+" has timed out progressing\.$/);
    const pod: any = e.listObjects('v1', 'Pod', 'shop')[0];
    assert.equal(pod.status.containerStatuses[0].state.waiting.reason, 'ImagePullBackOff');
  });
});

test('StatefulSets, DaemonSets, Jobs, LoadBalancers, Ingresses, HPAs and claims reach their ready states', async () => {
  await withEmulator({ rollout: { manual: true, failImagePattern: /never/ } }, async (e) => {
    await createNamespace(e, 'shop');
    const labels = { app: 'db' };
    await call(e, 'POST', '/apis/apps/v1/namespaces/shop/statefulsets', {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' },
      spec: { replicas: 2, serviceName: 'db', selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'pg', image: 'postgres:16' }] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] },
    });
    await call(e, 'POST', '/apis/apps/v1/namespaces/shop/daemonsets', { ...deployment('agent'), kind: 'DaemonSet', spec: { ...deployment('agent').spec, replicas: undefined } });
    const job = (name: string, image: string) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'j', image }] } } } });
    await call(e, 'POST', '/apis/batch/v1/namespaces/shop/jobs', job('migrate', 'migrate:1'));
    await call(e, 'POST', '/apis/batch/v1/namespaces/shop/jobs', job('stuck', 'never:1'));
    await call(e, 'POST', '/api/v1/namespaces/shop/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } });
    await call(e, 'POST', '/api/v1/namespaces/shop/persistentvolumeclaims', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'cache' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } } });
    await call(e, 'POST', '/apis/networking.k8s.io/v1/namespaces/shop/ingresses', { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web' }, spec: { rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'lb', port: { number: 80 } } } }] } }] } });
    await call(e, 'POST', '/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers', { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'db' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db' }, minReplicas: 1, maxReplicas: 5 } });
    await e.settle();
    e.tick();
    await e.settle();
    const get = async (p: string) => (await call(e, 'GET', p)).body;
    const sts = await get('/apis/apps/v1/namespaces/shop/statefulsets/db');
    assert.deepEqual([sts.status.replicas, sts.status.readyReplicas, sts.status.updatedReplicas, sts.status.observedGeneration], [2, 2, 2, 1]);
    assert.equal(sts.status.currentRevision, sts.status.updateRevision);
    assert.deepEqual(e.listObjects('v1', 'Pod', 'shop').map((p) => p.metadata.name).filter((n) => String(n).startsWith('db-')).sort(), ['db-0', 'db-1']);
    // OnDelete: a template change waits for pods to be deleted by hand.
    const stsPath = '/apis/apps/v1/namespaces/shop/statefulsets/db';
    await call(e, 'PATCH', stsPath, { spec: { updateStrategy: { type: 'OnDelete', rollingUpdate: null }, template: { spec: { containers: [{ name: 'pg', image: 'postgres:17' }] } } } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
    await e.settle();
    e.tick();
    await e.settle();
    let onDel = await get(stsPath);
    assert.equal(onDel.status.updatedReplicas, 0);
    assert.notEqual(onDel.status.currentRevision, onDel.status.updateRevision);
    for (const n of ['db-0', 'db-1']) await call(e, 'DELETE', `/api/v1/namespaces/shop/pods/${n}`);
    await e.settle();
    e.tick();
    await e.settle();
    onDel = await get(stsPath);
    assert.deepEqual([onDel.status.updatedReplicas, onDel.status.readyReplicas], [2, 2]);
    assert.equal(onDel.status.currentRevision, onDel.status.updateRevision);
    const claim = await get('/api/v1/namespaces/shop/persistentvolumeclaims/data-db-0');
    assert.equal(claim.status.phase, 'Bound');
    const ds = await get('/apis/apps/v1/namespaces/shop/daemonsets/agent');
    assert.deepEqual([ds.status.desiredNumberScheduled, ds.status.numberReady, ds.status.updatedNumberScheduled], [1, 1, 1]);
    const done = await get('/apis/batch/v1/namespaces/shop/jobs/migrate');
    assert.equal(done.status.succeeded, 1);
    assert.equal(cond(done, 'Complete').status, 'True');
    const stuck = await get('/apis/batch/v1/namespaces/shop/jobs/stuck');
    assert.equal(stuck.status.active, 1);
    assert.equal(cond(stuck, 'Complete'), undefined);
    const lb = await get('/api/v1/namespaces/shop/services/lb');
    assert.match(lb.status.loadBalancer.ingress[0].ip, /^\d+\.\d+\.\d+\.\d+$/);
    const ing = await get('/apis/networking.k8s.io/v1/namespaces/shop/ingresses/web');
    assert.match(ing.status.loadBalancer.ingress[0].ip, /^\d+\.\d+\.\d+\.\d+$/);
    const hpa = await get('/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers/db');
    assert.deepEqual([hpa.status.currentReplicas, hpa.status.desiredReplicas, cond(hpa, 'ScalingActive').status], [2, 2, 'True']);
    const cache = await get('/api/v1/namespaces/shop/persistentvolumeclaims/cache');
    assert.deepEqual([cache.status.phase, cache.status.capacity.storage, cache.spec.volumeName], ['Bound', '2Gi', `pvc-${cache.metadata.uid}`]);
    const pv = await get(`/api/v1/persistentvolumes/${cache.spec.volumeName}`);
    assert.deepEqual([pv.status.phase, pv.spec.capacity.storage, pv.spec.claimRef.name], ['Bound', '2Gi', 'cache']);
    await call(e, 'DELETE', '/api/v1/namespaces/shop/persistentvolumeclaims/cache');
    await e.settle();
    assert.equal((await call(e, 'GET', `/api/v1/persistentvolumes/${cache.spec.volumeName}`)).status, 404, 'reclaim policy Delete');
  });
});
