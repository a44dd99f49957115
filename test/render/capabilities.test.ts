// Helm .Capabilities: explicit versions, and discovery from a Kubernetes API (the emulator over real
// HTTP) feeding the real helm, in the library, the worker call site and the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { renderApp } from '../../src/render/render.ts';
import { CapabilitiesCache, discoverCapabilities, kubeVersionOf, normalizeKubeVersion } from '../../src/render/capabilities.ts';
import { Cluster } from '../../src/kube/cluster.ts';
import { startKubeEmulator } from '../../emulators/kube/index.ts';
import { renderAppAt } from '../../workers/render-app.ts';
import { main } from '../../src/cli/main.ts';
import { DriftguardError } from '../../src/core/errors.ts';
import type { SourcedObject } from '../../src/core/model/object.ts';
import type { AppConfig } from '../../src/core/config/types.ts';

const root = fileURLToPath(new URL('../fixtures/render/', import.meta.url));

/** What the capabilities chart decided: PDB apiVersion, Ingress apiVersion/class, ServiceMonitor present. */
function decisions(objects: SourcedObject[]) {
  const by = (k: string) => objects.find((so) => so.object.kind === k)?.object as any;
  return {
    pdb: by('PodDisruptionBudget')?.apiVersion,
    ingress: by('Ingress')?.apiVersion,
    kube: by('Ingress')?.metadata.annotations['driftguard.dev/kube-version'],
    ingressClassName: by('Ingress')?.spec.ingressClassName ?? null,
    serviceMonitor: Boolean(by('ServiceMonitor')),
  };
}

test('normalizeKubeVersion / kubeVersionOf: provider suffixes dropped, major.minor completed', async (t) => {
  const cases: Array<[string, string]> = [
    ['1.34', 'v1.34.0'],
    ['v1.34.5', 'v1.34.5'],
    ['v1.34.5+k3s1', 'v1.34.5'],
    ['v1.30.2-eks-1234abc', 'v1.30.2'],
    ['v1.29.6-gke.1038001', 'v1.29.6'],
  ];
  for (const [input, want] of cases) await t.test(input, () => assert.equal(normalizeKubeVersion(input), want));
  assert.throws(() => normalizeKubeVersion('latest'), (e: unknown) => e instanceof DriftguardError && e.code === 'USAGE');
  assert.equal(kubeVersionOf({ major: '1', minor: '27+', gitVersion: 'v1.27.16-eks-a18cd3a' }), 'v1.27.16');
  assert.equal(kubeVersionOf({ major: '1', minor: '28+' }), 'v1.28.0');
});

test('helm Capabilities: defaults vs an old cluster vs a new one with the Prometheus operator', async (t) => {
  const cases = [
    {
      name: 'helm defaults (no cluster): only group/versions, helm\'s own kube version',
      helm: {},
      want: { pdb: 'policy/v1beta1', ingress: 'networking.k8s.io/v1', ingressClassName: 'nginx', serviceMonitor: false },
    },
    {
      name: 'Kubernetes 1.18 without policy/v1',
      helm: { kubeVersion: '1.18', apiVersions: ['policy/v1beta1', 'policy/v1beta1/PodDisruptionBudget'] },
      want: { pdb: 'policy/v1beta1', ingress: 'networking.k8s.io/v1beta1', kube: 'v1.18.0', ingressClassName: null, serviceMonitor: false },
    },
    {
      name: 'Kubernetes 1.34 with policy/v1 kinds and monitoring.coreos.com/v1',
      helm: { kubeVersion: 'v1.34.5+k3s1', apiVersions: ['policy/v1', 'policy/v1/PodDisruptionBudget', 'monitoring.coreos.com/v1'] },
      want: { pdb: 'policy/v1', ingress: 'networking.k8s.io/v1', kube: 'v1.34.5', ingressClassName: 'nginx', serviceMonitor: true },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const r = await renderApp({ root, path: 'helm/capabilities', helm: c.helm });
      const got = decisions(r.objects);
      for (const [k, v] of Object.entries(c.want)) assert.deepEqual((got as any)[k], v, `${k}: ${JSON.stringify(got)}`);
    });
  }
  await t.test('an api version with a comma is refused (helm would split it)', () =>
    assert.rejects(renderApp({ root, path: 'helm/capabilities', helm: { apiVersions: ['policy/v1,apps/v1'] } }), /not a group\/version/));
});

test('discovery from a live API feeds helm; cached, refreshed after the TTL (a CRD installed later)', async (t) => {
  const emu = await startKubeEmulator({ controllers: false });
  const cluster = Cluster.fromSpec({ name: 'dev', kubeconfig: emu.writeKubeconfig() });
  t.after(async () => {
    await cluster.close();
    await emu.close();
  });
  const caps = await discoverCapabilities(cluster.http);
  assert.equal(caps.kubeVersion, 'v1.34.5'); // gitVersion v1.34.5-driftguard
  for (const v of ['v1', 'v1/Pod', 'v1/ConfigMap', 'apps/v1', 'apps/v1/Deployment', 'policy/v1/PodDisruptionBudget', 'networking.k8s.io/v1/Ingress']) {
    assert.ok(caps.apiVersions!.includes(v), `${v} missing`);
  }
  assert.equal(caps.apiVersions!.some((v) => v.includes('/status') || v.startsWith('monitoring.coreos.com')), false);
  assert.deepEqual(caps.apiVersions, [...new Set(caps.apiVersions)].sort());

  let now = 0;
  const cache = new CapabilitiesCache(60_000, () => now);
  const counted = { n: 0, request: (m: string, p: string) => (counted.n++, cluster.http.request(m, p)) } as any;
  const first = await cache.get(counted);
  const calls = counted.n;
  assert.deepEqual(await cache.get(counted), first); // served from the cache
  assert.equal(counted.n, calls);

  const r1 = await renderApp({ root, path: 'helm/capabilities', capabilities: () => cache.get(counted) });
  assert.deepEqual(decisions(r1.objects), { pdb: 'policy/v1', ingress: 'networking.k8s.io/v1', kube: 'v1.34.5', ingressClassName: 'nginx', serviceMonitor: false });

  emu.putObject({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'servicemonitors.monitoring.coreos.com' },
    spec: {
      group: 'monitoring.coreos.com',
      scope: 'Namespaced',
      names: { plural: 'servicemonitors', singular: 'servicemonitor', kind: 'ServiceMonitor', listKind: 'ServiceMonitorList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  } as any);
  await emu.settle();
  const stale = await renderApp({ root, path: 'helm/capabilities', capabilities: () => cache.get(counted) });
  assert.equal(decisions(stale.objects).serviceMonitor, false); // still cached
  now = 61_000;
  const fresh = await renderApp({ root, path: 'helm/capabilities', capabilities: () => cache.get(counted) });
  assert.equal(decisions(fresh.objects).serviceMonitor, true);
  assert.ok(counted.n > calls);

  await t.test('explicit kubeVersion wins over discovery', async () => {
    const r = await renderApp({ root, path: 'helm/capabilities', helm: { kubeVersion: '1.18' }, capabilities: () => cache.get(counted) });
    assert.equal(decisions(r.objects).ingress, 'networking.k8s.io/v1beta1');
  });
  await t.test('plain and kustomize sources never call discovery', async () => {
    let called = 0;
    const capabilities = async () => (called++, {});
    await renderApp({ root, path: 'plain', capabilities });
    await renderApp({ root, path: 'kustomize/overlays/prod', capabilities });
    assert.equal(called, 0);
  });

  await t.test('worker: the app\'s destination cluster gives the capabilities; an unknown cluster falls back to helm defaults', async () => {
    const app: AppConfig = {
      name: 'web', path: 'helm/capabilities', cluster: 'dev', namespace: 'web',
      syncPolicy: { automated: false, prune: false, selfHeal: false }, ignoreDifferences: [], line: 1,
    };
    const deps = {
      render: renderApp,
      cluster: (name: string) => {
        if (name !== 'dev') throw new DriftguardError('NOT_FOUND', `no cluster named "${name}"`);
        return cluster;
      },
    };
    const ok = await renderAppAt(deps, root, app);
    assert.equal(ok.ok, true);
    assert.deepEqual(decisions((ok as { objects: SourcedObject[] }).objects), { pdb: 'policy/v1', ingress: 'networking.k8s.io/v1', kube: 'v1.34.5', ingressClassName: 'nginx', serviceMonitor: true });
    const other = await renderAppAt(deps, root, { ...app, cluster: 'gone' });
    assert.equal(decisions((other as { objects: SourcedObject[] }).objects).pdb, 'policy/v1beta1');
  });

  await t.test('CLI: diff --context renders with the cluster\'s capabilities', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const kubeconfig = emu.writeKubeconfig();
    const code = await main(['diff', 'helm/capabilities', '--root', root, '--context', 'driftguard-dev', '--kubeconfig', kubeconfig, '-n', 'web', '-o', 'json'], {
      cwd: root, env: { PATH: process.env.PATH }, stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) },
    } as any);
    assert.equal(code, 0, err.join(''));
    const kinds = (JSON.parse(out.join('')).resources as Array<{ kind: string; version: string; group: string }>).map((r) => `${r.group}/${r.version}/${r.kind}`).sort();
    assert.deepEqual(kinds, ['monitoring.coreos.com/v1/ServiceMonitor', 'networking.k8s.io/v1/Ingress', 'policy/v1/PodDisruptionBudget']);
  });
});

test('CLI: render --kube-version / --api-versions (repeated or comma-separated)', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    ['render', 'helm/capabilities', '--root', root, '--kube-version', '1.18', '--api-versions', 'policy/v1,policy/v1/PodDisruptionBudget', '--api-versions', 'monitoring.coreos.com/v1', '-o', 'json'],
    { cwd: root, env: { PATH: process.env.PATH }, stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } } as any,
  );
  assert.equal(code, 0, err.join(''));
  const objects = JSON.parse(out.join('')) as SourcedObject[];
  assert.deepEqual(decisions(objects), { pdb: 'policy/v1', ingress: 'networking.k8s.io/v1beta1', kube: 'v1.18.0', ingressClassName: null, serviceMonitor: true });
});

test('a cluster older than the chart\'s kubeVersion constraint fails at Chart.yaml kubeVersion', () =>
  assert.rejects(renderApp({ root, path: 'helm/capabilities', helm: { kubeVersion: '1.15' } }), (e: unknown) => {
    assert.ok(e instanceof DriftguardError);
    assert.match(e.message, /chart requires kubeVersion: >=1\.16\.0-0 which is incompatible with Kubernetes v1\.15\.0/);
    assert.deepEqual(e.location, { file: 'helm/capabilities/Chart.yaml', line: 5 });
    return true;
  }));
