// Round trip of real public GitOps sources (test/fixtures/public-repos, see its README for origins):
// render with the real kustomize/helm → sync over HTTP into the API emulator and into the real
// kube-apiserver (test/support/cluster-backend.ts; one namespace and app per test) → diff is empty in both
// diff modes (no noise from server defaults) → a second sync sends no mutating request → out-of-band
// changes made with the real kubectl (scale, edit, set image, label, patch, ...) show as drift on exactly
// the changed field, and a sync takes them back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderApp } from '../../src/render/index.ts';
import { keyOf, type KubeObject, type SourcedObject } from '../../src/core/model/object.ts';
import { gvkOf } from '../../src/kube/discovery.ts';
import { forEachBackend, type TestCluster } from '../support/cluster-backend.ts';
import { startTestCluster } from '../sync/emulator-cluster.ts';
import { assertInSync, diffBoth, FIXTURES, kubectl, MODES, modified, render, sync, type AppRow } from './support.ts';

const IMAGE = '/spec/template/spec/containers/0/image';

const rows: AppRow[] = [
  {
    name: 'argocd-example-apps guestbook (plain YAML)',
    repo: 'argoproj-argocd-example-apps', path: 'guestbook', namespace: 'guestbook',
    objects: ['Deployment/guestbook-ui', 'Service/guestbook-ui'],
    health: 'Healthy',
    mutations: [
      { name: 'kubectl scale', args: ['scale', 'deployment/guestbook-ui', '--replicas=5'], drift: { kind: 'Deployment', name: 'guestbook-ui', paths: ['/spec/replicas'] } },
      { name: 'kubectl set image', args: ['set', 'image', 'deployment/guestbook-ui', 'guestbook-ui=gcr.io/google-samples/gb-frontend:v6'], drift: { kind: 'Deployment', name: 'guestbook-ui', paths: [IMAGE] } },
      // kubectl edit with a non-interactive editor: sh runs the sed script on the YAML kubectl opened.
      { name: 'kubectl edit', args: ['edit', 'deployment/guestbook-ui'], env: { KUBE_EDITOR: "sed -i -e 's/revisionHistoryLimit: 3/revisionHistoryLimit: 4/'" }, drift: { kind: 'Deployment', name: 'guestbook-ui', paths: ['/spec/revisionHistoryLimit'] } },
      // A label git does not set is someone else's field: not drift (Argo CD and kubectl diff agree).
      { name: 'kubectl label (new key)', args: ['label', 'deployment/guestbook-ui', 'team=web'], drift: null },
      { name: 'kubectl patch (strategic, port merge key)', args: ['patch', 'service/guestbook-ui', '-p', '{"spec":{"ports":[{"port":8080,"targetPort":81}]}}'], drift: { kind: 'Service', name: 'guestbook-ui', paths: ['/spec/ports/0/targetPort'] } },
      // Removing a field git sets lets the server default it again (revisionHistoryLimit → 10): drift.
      { name: 'kubectl patch (JSON patch remove)', args: ['patch', 'deployment/guestbook-ui', '--type=json', '-p', '[{"op":"remove","path":"/spec/revisionHistoryLimit"}]'], drift: { kind: 'Deployment', name: 'guestbook-ui', paths: ['/spec/revisionHistoryLimit'] } },
      // A restart annotation on the pod template is not in git: not drift, and a sync does not undo it.
      { name: 'kubectl rollout restart', args: ['rollout', 'restart', 'deployment/guestbook-ui'], drift: null },
      { name: 'kubectl delete', args: ['delete', 'service/guestbook-ui'], drift: { kind: 'Service', name: 'guestbook-ui', paths: [], action: 'create' } },
    ],
  },
  {
    name: 'argocd-example-apps helm-guestbook (Helm)',
    repo: 'argoproj-argocd-example-apps', path: 'helm-guestbook', namespace: 'helm-guestbook',
    // The stored templates/deployment.yaml reads .Values.containerPort, which its values.yaml lacks: given inline.
    helm: { values: { containerPort: 80 } },
    objects: ['Deployment/helm-guestbook', 'Service/guestbook-svc'],
    health: 'Healthy',
    mutations: [
      { name: 'kubectl label --overwrite', args: ['label', '--overwrite', 'deployment/helm-guestbook', 'release=canary'], drift: { kind: 'Deployment', name: 'helm-guestbook', paths: ['/metadata/labels/release'] } },
      { name: 'kubectl patch (JSON patch)', args: ['patch', 'deployment/helm-guestbook', '--type=json', '-p', '[{"op":"replace","path":"/spec/revisionHistoryLimit","value":10}]'], drift: { kind: 'Deployment', name: 'helm-guestbook', paths: ['/spec/revisionHistoryLimit'] } },
      { name: 'kubectl scale', args: ['scale', 'deployment/helm-guestbook', '--replicas=3'], drift: { kind: 'Deployment', name: 'helm-guestbook', paths: ['/spec/replicas'] } },
      { name: 'kubectl set image', args: ['set', 'image', 'deployment/helm-guestbook', 'helm-guestbook=gcr.io/heptio-images/ks-guestbook-demo:0.2'], drift: { kind: 'Deployment', name: 'helm-guestbook', paths: [IMAGE] } },
    ],
  },
  {
    name: 'podinfo deploy/bases/cache (Kustomize, configMapGenerator)',
    repo: 'stefanprodan-podinfo', path: 'deploy/bases/cache', namespace: 'cache',
    objects: ['ConfigMap/redis-config-bd2fcfgt6k', 'Deployment/cache', 'Service/cache'],
    health: 'Healthy',
    mutations: [
      { name: 'kubectl set image', args: ['set', 'image', 'deployment/cache', 'redis=redis:6.2'], drift: { kind: 'Deployment', name: 'cache', paths: [IMAGE] } },
      // Git leaves replicas out: scaling is not drift.
      { name: 'kubectl scale (replicas not in git)', args: ['scale', 'deployment/cache', '--replicas=3'], drift: null },
      {
        name: 'kubectl patch (strategic, container merge key, quantity)',
        args: ['patch', 'deployment/cache', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"redis","resources":{"limits":{"memory":"256Mi"}}}]}}}}'],
        drift: { kind: 'Deployment', name: 'cache', paths: ['/spec/template/spec/containers/0/resources/limits/memory'] },
      },
      // The same quantity written differently is not drift; a different one is.
      { name: 'kubectl set resources (equal quantity)', args: ['set', 'resources', 'deployment/cache', '-c', 'redis', '--limits=cpu=1'], drift: null },
      { name: 'kubectl set resources', args: ['set', 'resources', 'deployment/cache', '-c', 'redis', '--limits=cpu=1500m'], drift: { kind: 'Deployment', name: 'cache', paths: ['/spec/template/spec/containers/0/resources/limits/cpu'] } },
      { name: 'kubectl patch (merge, ConfigMap data)', args: ['patch', 'configmap/redis-config-bd2fcfgt6k', '--type=merge', '-p', '{"data":{"redis.conf":"maxmemory 128mb\\n"}}'], drift: { kind: 'ConfigMap', name: 'redis-config-bd2fcfgt6k', paths: ['/data/redis.conf'] } },
    ],
  },
  {
    name: 'kustomize examples/helloWorld overlays/dev (base + overlay, LoadBalancer)',
    repo: 'kubernetes-sigs-kustomize', path: 'examples/helloWorld/overlays/dev', namespace: 'hello',
    objects: ['ConfigMap/dev-the-map', 'Deployment/dev-the-deployment', 'Service/dev-the-service'],
    health: 'Healthy',
    mutations: [
      { name: 'kubectl label --overwrite', args: ['label', '--overwrite', 'deployment/dev-the-deployment', 'variant=prod'], drift: { kind: 'Deployment', name: 'dev-the-deployment', paths: ['/metadata/labels/variant'] } },
      { name: 'kubectl annotate --overwrite', args: ['annotate', '--overwrite', 'configmap/dev-the-map', 'note=changed by hand'], drift: { kind: 'ConfigMap', name: 'dev-the-map', paths: ['/metadata/annotations/note'] } },
      { name: 'kubectl scale', args: ['scale', 'deployment/dev-the-deployment', '--replicas=1'], drift: { kind: 'Deployment', name: 'dev-the-deployment', paths: ['/spec/replicas'] } },
      { name: 'kubectl set image', args: ['set', 'image', 'deployment/dev-the-deployment', 'the-container=monopole/hello:2'], drift: { kind: 'Deployment', name: 'dev-the-deployment', paths: [IMAGE] } },
      // Another manager takes spec.replicas over with server-side apply: we lost ownership, git still says 3.
      {
        name: 'kubectl apply --server-side --force-conflicts (other manager)',
        args: ['apply', '--server-side', '--force-conflicts', '--field-manager=hand', '-f', '-'],
        stdin: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: dev-the-deployment\nspec:\n  replicas: 7\n',
        drift: { kind: 'Deployment', name: 'dev-the-deployment', paths: ['/spec/replicas'] },
      },
      { name: 'kubectl patch (strategic, LoadBalancer port)', args: ['patch', 'service/dev-the-service', '-p', '{"spec":{"ports":[{"port":8666,"targetPort":9090}]}}'], drift: { kind: 'Service', name: 'dev-the-service', paths: ['/spec/ports/0/targetPort'] } },
    ],
  },
];

// The empty diffs below prove something only if the server really added what a real API server adds.
function assertServerDefaulted(live: KubeObject): void {
  const id = `${live.kind}/${live.metadata.name}`;
  const spec = live.spec as Record<string, any>;
  if (live.kind === 'Service') {
    assert.match(String(spec.clusterIP), /^\d+\.\d+\.\d+\.\d+$/, `${id}: clusterIP allocated`);
    assert.equal(spec.sessionAffinity, 'None', id);
    for (const p of spec.ports) assert.equal(p.protocol, 'TCP', id);
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') for (const p of spec.ports) assert.ok(p.nodePort >= 30000, `${id}: nodePort allocated`);
  }
  if (live.kind === 'Deployment') {
    assert.equal(spec.progressDeadlineSeconds, 600, id);
    assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, id);
    const pod = spec.template.spec;
    assert.equal(pod.restartPolicy, 'Always', id);
    assert.equal(pod.dnsPolicy, 'ClusterFirst', id);
    for (const c of pod.containers) assert.equal(c.terminationMessagePath, '/dev/termination-log', id);
    // Quantities come back canonical: podinfo's cache sets `cpu: 1000m`.
    const limits = pod.containers[0].resources?.limits;
    if (limits?.cpu) assert.equal(limits.cpu, '1', `${id}: 1000m canonicalized`);
  }
}

// The warm watch cache is eventually consistent: a local-mode diff sees a hand change once its watch
// event has arrived (a worker's next plan would). Wait for that, reading the server with another client.
async function cacheCaughtUp(t: TestCluster, app: string, desired: SourcedObject[]): Promise<void> {
  const cache = t.cluster.cacheFor(app);
  for (const { object: o } of desired) {
    const ns = o.metadata.namespace ?? '';
    const gvk = gvkOf(o.apiVersion, o.kind);
    const server = await t.get(o.apiVersion, o.kind, ns, o.metadata.name!);
    for (let i = 0; ; i++) {
      const cached = cache.get(gvk, ns, o.metadata.name!);
      if (server ? Number(cached?.metadata.resourceVersion) >= Number(server.metadata.resourceVersion) : !cached) break;
      if (i > 100) assert.fail(`${o.kind}/${o.metadata.name}: watch cache at ${cached?.metadata.resourceVersion}, server at ${server?.metadata.resourceVersion}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

// The real cluster has no cloud controller: give a new LoadBalancer Service an address, as one would
// (the emulator plays that part itself), so its health is Healthy on both backends.
function playCloudLoadBalancer(t: TestCluster, namespace: string): { stop(): void } {
  let stopped = false;
  void (async () => {
    while (!stopped) {
      const out = await t.kubectl('get', 'services', '-n', namespace, '-o', 'jsonpath={range .items[?(@.spec.type=="LoadBalancer")]}{.metadata.name}{" "}{end}').catch(() => '');
      for (const name of out.split(' ').filter(Boolean)) {
        await t.kubectl('patch', 'service', name, '-n', namespace, '--subresource=status', '--type=merge', '-p', '{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.10"}]}}}').catch(() => '');
        stopped = true;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return { stop: () => { stopped = true; } };
}

forEachBackend((backend) => {
  for (const row of rows) {
  test(`[${backend.name}] round trip: ${row.name}`, async () => {
    const t = await backend.start({ rollout: { readyDelayMs: 10 } });
    try {
      // One namespace (and app of the same name) per test: the real backend's cluster is shared.
      const namespace = await t.namespace(row.namespace);
      const app = namespace;
      const desired = await render({ ...row, namespace });
      assert.deepEqual(desired.map((d) => `${d.object.kind}/${d.object.metadata.name}`).sort(), row.objects, 'rendered objects');
      const lb = backend.name === 'real' ? playCloudLoadBalancer(t, namespace) : undefined;
      const first = await sync(t, app, namespace, desired).finally(() => lb?.stop());
      assert.equal(first.phase, 'Succeeded', `${first.message}\n${JSON.stringify(first.resources.filter((r) => r.outcome !== 'applied'))}`);
      assert.equal(first.counts.applied, desired.length);
      assert.equal(first.health, row.health);
      for (const r of first.resources) assert.equal(r.health?.status, row.health, `${r.kind}/${r.name}: ${r.health?.message}`);
      for (const d of desired) {
        const live = await t.get(d.object.apiVersion, d.object.kind, namespace, d.object.metadata.name!);
        assert.ok(live, `${keyOf(d.object).kind}/${d.object.metadata.name} applied`);
        assertServerDefaulted(live);
      }
      // kubectl sees the same objects (discovery, table output over the emulator).
      const names = await kubectl(t, ['get', 'all,configmaps', '-n', namespace, '-o', 'name']);
      for (const o of row.objects) if (!o.startsWith('ConfigMap/')) assert.match(names, new RegExp(`^${o.split('/')[0].toLowerCase()}[^/]*/${o.split('/')[1]}$`, 'm'));

      let diffs = await diffBoth(t, app, namespace, desired);
      for (const mode of MODES) assertInSync(diffs[mode], `after first sync (${mode})`);

      // Zero writes, counted on the client side (the real server has no request counter to read).
      t.resetWrites();
      const second = await sync(t, app, namespace, desired);
      assert.equal(second.phase, 'Succeeded', second.message);
      assert.equal(second.counts.unchanged, desired.length);
      assert.equal(t.writes(), 0, 'second sync sent a mutating request');

      for (const m of row.mutations) {
        await kubectl(t, ['-n', namespace, ...m.args], m.stdin, m.env);
        await cacheCaughtUp(t, app, desired);
        diffs = await diffBoth(t, app, namespace, desired);
        for (const mode of MODES) {
          assert.deepEqual(diffs[mode].errors, [], `${m.name} (${mode}) errors`);
          const action = m.drift?.action ?? 'update';
          const want = m.drift ? [{ id: `${m.drift.kind}/${m.drift.name}`, action, paths: action === 'update' ? m.drift.paths : [] }] : [];
          assert.deepEqual(modified(diffs[mode]), want, `${m.name} (${mode}):\n${diffs[mode].resources.map((r) => r.diff).join('\n')}`);
        }
        // A sync takes the drift back (forced apply) and leaves the app in sync again.
        const back = await sync(t, app, namespace, desired);
        assert.equal(back.phase, 'Succeeded', `${m.name}: ${back.message}`);
        assert.equal(back.counts.applied, m.drift ? 1 : 0, `${m.name}: resync applies only the drifted object`);
        diffs = await diffBoth(t, app, namespace, desired);
        for (const mode of MODES) assertInSync(diffs[mode], `after resync of ${m.name} (${mode})`);
      }
    } finally {
      await t.close();
    }
  });
  }
});

// Sources that a real 1.34 cluster (or real kustomize) refuses: the refusal must be clear and nothing written.
test('public sources a real cluster refuses fail before the first write', async () => {
  await assert.rejects(
    render({ repo: 'argoproj-argocd-example-apps', path: 'kustomize-guestbook', namespace: 'kg' }),
    (e: Error) => /is not in or below/.test(e.message), 'kustomize load restrictor (RootOnly) refuses ../ files, like Argo CD without --load-restrictor',
  );
  const t = await startTestCluster({ rollout: { readyDelayMs: 10 } });
  try {
    await kubectl(t, ['create', 'namespace', 'waves']);
    await kubectl(t, ['create', 'namespace', 'podinfo']);
    const cases = [
      // Argo CD hooks with generateName: `kubectl apply` refuses generateName too.
      { ns: 'waves', row: { repo: 'argoproj-argocd-example-apps', path: 'sync-waves', namespace: 'waves' }, failed: ['Job/', 'Job/', 'Job/'], why: /generateName/ },
      // autoscaling/v2beta2 was removed in Kubernetes 1.26: the kind is not served.
      { ns: 'podinfo', row: { repo: 'stefanprodan-podinfo', path: 'kustomize', namespace: 'podinfo' }, failed: ['HorizontalPodAutoscaler/podinfo'], why: /autoscaling\/v2beta2/ },
    ];
    for (const c of cases) {
      const desired = await render(c.row);
      t.emu.counters.reset();
      const r = await sync(t, c.ns, c.ns, desired);
      assert.equal(r.phase, 'Failed', c.row.path);
      const failed = r.resources.filter((x) => x.outcome === 'failed');
      assert.deepEqual(failed.map((x) => `${x.kind}/${x.name}`).sort(), c.failed, c.row.path);
      for (const f of failed) assert.match(f.message ?? '', c.why, c.row.path);
      assert.equal(t.emu.counters.writes(), 0, `${c.row.path}: nothing written`);
    }
  } finally {
    await t.close();
  }
});

// Adoption: the same manifests were applied by hand first (client-side `kubectl apply`, last-applied annotation).
test('adoption of objects applied earlier by kubectl apply: only ownership marks differ, then zero writes', async () => {
  const row = rows.find((r) => r.repo === 'kubernetes-sigs-kustomize')!;
  const desired = await render(row);
  const t = await startTestCluster({ rollout: { readyDelayMs: 10 } });
  try {
    await kubectl(t, ['create', 'namespace', row.namespace]);
    await kubectl(t, ['apply', '-n', row.namespace, '-f', '-'], desired.map((d) => JSON.stringify(d.object)).join('\n'));
    const marks = ['/metadata/annotations/driftguard.dev~1tracking-id', '/metadata/labels/driftguard.dev~1app'];
    const before = await diffBoth(t, row.namespace, row.namespace, desired);
    for (const mode of MODES) {
      assert.deepEqual(modified(before[mode]).sort((a, b) => a.id.localeCompare(b.id)), row.objects.map((id) => ({ id, action: 'update', paths: marks })), mode);
    }
    const r = await sync(t, row.namespace, row.namespace, desired);
    assert.equal(r.phase, 'Succeeded', r.message);
    assert.equal(r.counts.applied, desired.length);
    const after = await diffBoth(t, row.namespace, row.namespace, desired);
    for (const mode of MODES) assertInSync(after[mode], `after adoption (${mode})`);
    t.emu.counters.reset();
    await sync(t, row.namespace, row.namespace, desired);
    assert.equal(t.emu.counters.writes(), 0, JSON.stringify(t.emu.counters.snapshot()));
  } finally {
    await t.close();
  }
});

// A configMapGenerator change renames the ConfigMap (content hash): the new one is created before the
// Deployment that mounts it is updated, and the old one is pruned afterwards. The fixture stays verbatim:
// the change is made on a copy.
test('configMapGenerator content change: create the new ConfigMap, update the Deployment, prune the old one', async () => {
  const row = rows.find((r) => r.path === 'deploy/bases/cache')!;
  const copy = mkdtempSync(join(tmpdir(), 'dg-roundtrip-'));
  const t = await startTestCluster({ rollout: { readyDelayMs: 10 } });
  try {
    cpSync(join(FIXTURES, row.repo), copy, { recursive: true });
    const v1 = (await renderApp({ root: copy, path: row.path })).objects;
    await kubectl(t, ['create', 'namespace', row.namespace]);
    assert.equal((await sync(t, row.namespace, row.namespace, v1)).phase, 'Succeeded');
    writeFileSync(join(copy, row.path, 'redis.conf'), 'maxmemory 128mb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\n');
    const v2 = (await renderApp({ root: copy, path: row.path })).objects;
    const cmName = (objs: typeof v1) => objs.find((o) => o.object.kind === 'ConfigMap')!.object.metadata.name!;
    assert.notEqual(cmName(v2), cmName(v1), 'kustomize renames the generated ConfigMap');

    const plan = await diffBoth(t, row.namespace, row.namespace, v2);
    for (const mode of MODES) {
      assert.deepEqual(modified(plan[mode]).sort((a, b) => a.id.localeCompare(b.id)), [
        { id: `ConfigMap/${cmName(v1)}`, action: 'delete', paths: [] },
        { id: `ConfigMap/${cmName(v2)}`, action: 'create', paths: [] },
        { id: 'Deployment/cache', action: 'update', paths: ['/spec/template/spec/volumes/1/configMap/name'] },
      ], mode);
    }
    const r = await sync(t, row.namespace, row.namespace, v2);
    assert.equal(r.phase, 'Succeeded', r.message);
    assert.deepEqual(r.resources.filter((x) => x.outcome !== 'unchanged').map((x) => `${x.outcome} ${x.kind}/${x.name}`), [
      `applied ConfigMap/${cmName(v2)}`, 'applied Deployment/cache', `pruned ConfigMap/${cmName(v1)}`,
    ]);
    assert.equal(t.emu.getObject('v1', 'ConfigMap', row.namespace, cmName(v1)), undefined);
    const after = await diffBoth(t, row.namespace, row.namespace, v2);
    for (const mode of MODES) assertInSync(after[mode], `after rename (${mode})`);
  } finally {
    await t.close();
    rmSync(copy, { recursive: true, force: true });
  }
});
