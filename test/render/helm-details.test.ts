// Helm details Argo CD and Flux get right, each checked with the real helm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { isHelmHook, renderApp } from '../../src/render/render.ts';
import { DriftguardError } from '../../src/core/errors.ts';
import type { KubeObject, SourcedObject } from '../../src/core/model/object.ts';

const root = fileURLToPath(new URL('../fixtures/render/', import.meta.url));
const names = (objs: SourcedObject[]) => objs.map((so) => `${so.object.kind}/${so.object.metadata.name}`);

test('hooks: helm.sh/hook objects (tests, pre-install jobs) are set aside, not desired objects', async () => {
  const r = await renderApp({ root, path: 'helm/hooks', helm: { releaseName: 'shop' } });
  assert.deepEqual(names(r.objects), ['Deployment/shop']);
  assert.deepEqual(names(r.hooks).sort(), ['Job/shop-migrate', 'Pod/shop-test-connection']);
  assert.deepEqual(r.hooks.find((so) => so.object.kind === 'Job')!.source, { file: 'helm/hooks/templates/migrate-job.yaml', line: 2 });
  // helm template renders as a first install (Argo CD too; Flux's upgrades would say IsUpgrade).
  const dep = r.objects.find((so) => so.object.kind === 'Deployment')!.object;
  assert.equal(dep.metadata.annotations!['driftguard.dev/install'], 'true');
  assert.equal(dep.metadata.annotations!['driftguard.dev/upgrade'], 'false');

  const all = await renderApp({ root, path: 'helm/hooks', helm: { releaseName: 'shop' }, includeHooks: true });
  assert.deepEqual(all.hooks, []);
  assert.equal(all.objects.length, 3);
});

test('isHelmHook follows gitops-engine: any helm.sh/hook event except crd-install alone', async (t) => {
  const obj = (hook?: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...(hook === undefined ? {} : { annotations: { 'helm.sh/hook': hook } }) } });
  const cases: Array<[string | undefined, boolean]> = [
    [undefined, false], ['', false], ['crd-install', false], ['test', true], ['test-success', true],
    ['pre-install,pre-upgrade', true], [' post-install ', true], ['crd-install,pre-install', true], ['pre-delete', true],
  ];
  for (const [hook, want] of cases) await t.test(String(hook), () => assert.equal(isHelmHook(obj(hook)), want));
});

test('--set-string keeps values as strings where --set would type them', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['true', 'bool', 'string'],
    ['8080', 'int64', 'string'],
    ['0777', 'string', 'string'], // helm keeps leading-zero numbers as strings even with --set
  ];
  for (const [value, viaSet, viaSetString] of cases) {
    await t.test(value, async () => {
      const a = await renderApp({ root, path: 'helm/schema', helm: { set: [`extra=${value}`] } });
      const b = await renderApp({ root, path: 'helm/schema', helm: { setString: [`extra=${value}`] } });
      assert.equal((a.objects[0]!.object as any).data['extra-type'], viaSet);
      assert.equal((b.objects[0]!.object as any).data['extra-type'], viaSetString);
      assert.equal((b.objects[0]!.object as any).data.extra, value);
    });
  }
});

test('values.schema.json violations are located where the bad value is set', async (t) => {
  const cases = [
    { name: 'in an app values file', helm: { valueFiles: ['values-bad.yaml'] }, file: 'helm/schema/values-bad.yaml', line: 4, msg: /at '\/replicaCount': got string, want integer/ },
    { name: 'through --set: no file sets it, the chart values.yaml does', helm: { set: ['replicaCount=0'] }, file: 'helm/schema/values.yaml', line: 1, msg: /at '\/replicaCount'.*minimum/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () =>
      assert.rejects(renderApp({ root, path: 'helm/schema', helm: c.helm }), (e: unknown) => {
        assert.ok(e instanceof DriftguardError);
        assert.equal(e.code, 'RENDER_FAILED');
        assert.match(e.message, c.msg);
        assert.deepEqual(e.location, { file: c.file, line: c.line });
        return true;
      }));
  }
  await t.test('skipSchemaValidation renders anyway', async () => {
    const r = await renderApp({ root, path: 'helm/schema', helm: { valueFiles: ['values-bad.yaml'], skipSchemaValidation: true } });
    assert.equal((r.objects[0]!.object as any).data.replicas, 'three');
  });
});

test('values files outside the chart directory but inside the repository are allowed, in order', async () => {
  const r = await renderApp({ root, path: 'helm/schema', helm: { valueFiles: ['../shared/values-common.yaml'] } });
  assert.deepEqual((r.objects[0]!.object as any).data, { replicas: '2', tag: '1.5' });
  await assert.rejects(
    renderApp({ root, path: 'helm/schema', helm: { valueFiles: ['../../../../../etc/passwd'] } }),
    /outside the repository root/,
  );
});

test('Chart.lock with a vendored charts/*.tgz dependency renders offline; sources point at the archive', async () => {
  const r = await renderApp({ root, path: 'helm/locked', helm: { releaseName: 'api' } });
  assert.deepEqual(names(r.objects), ['Service/api-redis-master', 'Deployment/api-api']);
  assert.deepEqual(r.objects[0]!.source, { file: 'helm/locked/charts/redis-17.3.2.tgz', line: 1 });
  assert.equal((r.objects[0]!.object.metadata.labels as any).chart, 'redis-17.3.2');
  const off = await renderApp({ root, path: 'helm/locked', helm: { set: ['redis.enabled=false'] } });
  assert.deepEqual(names(off.objects), ['Deployment/locked-api']);
});

test('CRDs in crds/ are included by default (Argo CD, Flux) and left out with skipCrds', async () => {
  const withCrds = await renderApp({ root, path: 'helm/demo' });
  const without = await renderApp({ root, path: 'helm/demo', helm: { skipCrds: true } });
  assert.ok(withCrds.objects.some((so) => so.object.kind === 'CustomResourceDefinition'));
  assert.equal(without.objects.some((so) => so.object.kind === 'CustomResourceDefinition'), false);
  assert.equal(without.objects.length, withCrds.objects.length - 1);
});
