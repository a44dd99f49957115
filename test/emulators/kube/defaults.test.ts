// Defaulting on write, compared field by field with what kube-apiserver 1.34 stores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createNamespace, withEmulator } from './helpers.ts';

const get = (o: any, path: string) => path.split('.').reduce((v, k) => (v == null ? undefined : v[/^\d+$/.test(k) ? Number(k) : k]), o);

const podSpec = (image: string) => ({ containers: [{ name: 'app', image, ports: [{ containerPort: 8080 }], readinessProbe: { httpGet: { path: '/healthz', port: 8080 } }, resources: { requests: { cpu: '1000m', memory: '1024Mi' }, limits: { cpu: 2 } } }], volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }] });
const template = (image: string, restartPolicy?: string) => ({ metadata: { labels: { app: 'x' } }, spec: { ...podSpec(image), ...(restartPolicy ? { restartPolicy } : {}) } });

const CASES: Array<{ name: string; path: string; body: any; want: Record<string, unknown>; absent?: string[] }> = [
  {
    name: 'Deployment', path: '/apis/apps/v1/namespaces/shop/deployments',
    body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { selector: { matchLabels: { app: 'x' } }, template: template('nginx') } },
    want: {
      'spec.replicas': 1, 'spec.strategy.type': 'RollingUpdate', 'spec.strategy.rollingUpdate.maxSurge': '25%', 'spec.strategy.rollingUpdate.maxUnavailable': '25%',
      'spec.revisionHistoryLimit': 10, 'spec.progressDeadlineSeconds': 600,
      'spec.template.spec.restartPolicy': 'Always', 'spec.template.spec.dnsPolicy': 'ClusterFirst', 'spec.template.spec.schedulerName': 'default-scheduler',
      'spec.template.spec.terminationGracePeriodSeconds': 30, 'spec.template.spec.securityContext': {},
      'spec.template.spec.containers.0.imagePullPolicy': 'Always', 'spec.template.spec.containers.0.terminationMessagePath': '/dev/termination-log',
      'spec.template.spec.containers.0.terminationMessagePolicy': 'File', 'spec.template.spec.containers.0.ports.0.protocol': 'TCP',
      'spec.template.spec.containers.0.readinessProbe.timeoutSeconds': 1, 'spec.template.spec.containers.0.readinessProbe.periodSeconds': 10,
      'spec.template.spec.containers.0.readinessProbe.successThreshold': 1, 'spec.template.spec.containers.0.readinessProbe.failureThreshold': 3,
      'spec.template.spec.containers.0.readinessProbe.httpGet.scheme': 'HTTP',
      'spec.template.spec.containers.0.resources': { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2' } },
      'spec.template.spec.volumes.0.configMap.defaultMode': 420,
    },
  },
  {
    name: 'StatefulSet', path: '/apis/apps/v1/namespaces/shop/statefulsets',
    body: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: { serviceName: 's', selector: { matchLabels: { app: 'x' } }, template: template('postgres:16'), volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1024Mi' } } } }] } },
    want: {
      'spec.replicas': 1, 'spec.podManagementPolicy': 'OrderedReady', 'spec.updateStrategy': { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      'spec.revisionHistoryLimit': 10, 'spec.persistentVolumeClaimRetentionPolicy': { whenDeleted: 'Retain', whenScaled: 'Retain' },
      'spec.volumeClaimTemplates.0.apiVersion': 'v1', 'spec.volumeClaimTemplates.0.kind': 'PersistentVolumeClaim',
      'spec.volumeClaimTemplates.0.spec.volumeMode': 'Filesystem', 'spec.volumeClaimTemplates.0.status': { phase: 'Pending' },
      'spec.volumeClaimTemplates.0.spec.resources.requests.storage': '1Gi',
      'spec.template.spec.containers.0.imagePullPolicy': 'IfNotPresent',
    },
  },
  {
    name: 'DaemonSet', path: '/apis/apps/v1/namespaces/shop/daemonsets',
    body: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds' }, spec: { selector: { matchLabels: { app: 'x' } }, template: template('fluentd:latest') } },
    want: { 'spec.updateStrategy': { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, 'spec.revisionHistoryLimit': 10, 'spec.template.spec.containers.0.imagePullPolicy': 'Always' },
  },
  {
    name: 'Job', path: '/apis/batch/v1/namespaces/shop/jobs',
    body: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: { ...podSpec('busybox@sha256:abc'), restartPolicy: 'Never' } } } },
    want: {
      'spec.completions': 1, 'spec.parallelism': 1, 'spec.backoffLimit': 6, 'spec.completionMode': 'NonIndexed', 'spec.suspend': false,
      'spec.podReplacementPolicy': 'TerminatingOrFailed',
      'spec.template.spec.containers.0.imagePullPolicy': 'IfNotPresent',
    },
  },
  {
    name: 'CronJob', path: '/apis/batch/v1/namespaces/shop/cronjobs',
    body: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj' }, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { ...podSpec('busybox:1.36'), restartPolicy: 'OnFailure' } } } } } },
    want: { 'spec.concurrencyPolicy': 'Allow', 'spec.suspend': false, 'spec.successfulJobsHistoryLimit': 3, 'spec.failedJobsHistoryLimit': 1, 'spec.jobTemplate.spec.template.spec.dnsPolicy': 'ClusterFirst' },
    absent: ['spec.jobTemplate.spec.backoffLimit'],
  },
  {
    name: 'Service', path: '/api/v1/namespaces/shop/services',
    body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { selector: { app: 'x' }, ports: [{ name: 'http', port: 80 }] } },
    want: {
      'spec.type': 'ClusterIP', 'spec.sessionAffinity': 'None', 'spec.ports.0.protocol': 'TCP', 'spec.ports.0.targetPort': 80,
      'spec.ipFamilies': ['IPv4'], 'spec.ipFamilyPolicy': 'SingleStack', 'spec.internalTrafficPolicy': 'Cluster',
    },
    absent: ['spec.externalTrafficPolicy', 'spec.ports.0.nodePort'],
  },
  {
    name: 'NodePort Service', path: '/api/v1/namespaces/shop/services',
    body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'np' }, spec: { type: 'NodePort', selector: { app: 'x' }, ports: [{ port: 80, targetPort: 'http' }] } },
    want: { 'spec.externalTrafficPolicy': 'Cluster', 'spec.ports.0.targetPort': 'http' },
  },
  {
    name: 'Namespace', path: '/api/v1/namespaces',
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } },
    want: { 'metadata.labels': { 'kubernetes.io/metadata.name': 'team' }, 'spec.finalizers': ['kubernetes'], 'status.phase': 'Active' },
  },
  {
    name: 'PersistentVolumeClaim', path: '/api/v1/namespaces/shop/persistentvolumeclaims',
    body: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '0.5Gi' } } } },
    want: { 'spec.volumeMode': 'Filesystem', 'spec.storageClassName': 'standard', 'status.phase': 'Pending', 'spec.resources.requests.storage': '512Mi' },
  },
  {
    name: 'Secret', path: '/api/v1/namespaces/shop/secrets',
    body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { password: 'hunter2' } },
    want: { type: 'Opaque', 'data.password': Buffer.from('hunter2').toString('base64') },
    absent: ['stringData'],
  },
];

test('objects are defaulted on write like kube-apiserver does', async () => {
  await withEmulator({ controllers: false }, async (e) => {
    await createNamespace(e, 'shop');
    for (const c of CASES) {
      const r = await call(e, 'POST', c.path, c.body);
      assert.equal(r.status, 201, `${c.name}: ${r.text}`);
      for (const [path, want] of Object.entries(c.want)) {
        assert.deepEqual(get(r.body, path), want, `${c.name}: ${path}`);
      }
      for (const path of c.absent ?? []) assert.equal(get(r.body, path), undefined, `${c.name}: ${path} absent`);
    }
  });
});

test('Services get a cluster IP from 10.96.0.0/12 and node ports from 30000-32767; headless stays None', async () => {
  await withEmulator({ controllers: false }, async (e) => {
    await createNamespace(e, 'shop');
    const mk = (name: string, spec: any) => call(e, 'POST', '/api/v1/namespaces/shop/services', { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec });
    const a = (await mk('a', { ports: [{ port: 80 }] })).body;
    const b = (await mk('b', { type: 'LoadBalancer', ports: [{ port: 443 }] })).body;
    const h = (await mk('h', { clusterIP: 'None', ports: [{ port: 5432 }] })).body;
    for (const s of [a, b]) {
      const [x, y] = s.spec.clusterIP.split('.').map(Number);
      assert.ok(x === 10 && y >= 96 && y < 112, s.spec.clusterIP);
      assert.deepEqual(s.spec.clusterIPs, [s.spec.clusterIP]);
    }
    assert.notEqual(a.spec.clusterIP, b.spec.clusterIP);
    assert.ok(b.spec.ports[0].nodePort >= 30000 && b.spec.ports[0].nodePort <= 32767);
    assert.equal(b.spec.allocateLoadBalancerNodePorts, true);
    assert.equal(h.spec.clusterIP, 'None');
    assert.deepEqual(h.spec.clusterIPs, ['None']);
  });
});

test('Jobs get a generated selector and controller labels', async () => {
  await withEmulator({ controllers: false }, async (e) => {
    await createNamespace(e, 'shop');
    const r = await call(e, 'POST', '/apis/batch/v1/namespaces/shop/jobs', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl' }] } } } });
    const uid = r.body.metadata.uid;
    assert.deepEqual(r.body.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    assert.deepEqual(r.body.spec.template.metadata.labels, {
      'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': uid, 'job-name': 'pi',
    });
  });
});
