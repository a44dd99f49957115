// Rendering with the real helm and kubectl from .tools/bin on fixture repos.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderApp } from '../../src/render/render.ts';
import { DriftguardError } from '../../src/core/errors.ts';
import type { SourcedObject } from '../../src/core/model/object.ts';

const root = fileURLToPath(new URL('../fixtures/render/', import.meta.url));

function byName(objects: SourcedObject[]): Map<string, SourcedObject> {
  return new Map(objects.map((so) => [`${so.object.kind}/${so.object.metadata.name}`, so]));
}

async function rejectsWith(p: Promise<unknown>, code: string, pattern: RegExp, file?: string, line?: number) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof DriftguardError, `expected DriftguardError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    if (file !== undefined) assert.equal(e.location?.file, file);
    if (line !== undefined) assert.equal(e.location?.line, line);
    return true;
  });
}

test('plain directory: recursive, yaml/yml/json, List expanded, tool inputs and hidden dirs skipped', async () => {
  const r = await renderApp({ root, path: 'plain' });
  assert.equal(r.sourceType, 'plain');
  const got = r.objects.map((so) => `${so.object.kind}/${so.object.metadata.name}@${so.source?.file}:${so.source?.line}`);
  assert.deepEqual(got, [
    'Namespace/apps@plain/apps/namespace.json:1',
    'Deployment/web@plain/apps/web/deployment.yaml:1',
    'Service/web@plain/apps/web/extras.yml:4',
    'ConfigMap/web-config@plain/apps/web/extras.yml:12',
  ]);
});

test('kustomize overlay: namePrefix, namespace, patches, configMapGenerator, sources mapped back', async () => {
  const r = await renderApp({ root, path: 'kustomize/overlays/prod' });
  assert.equal(r.sourceType, 'kustomize');
  const objs = byName(r.objects);
  const dep = objs.get('Deployment/prod-api');
  assert.ok(dep, `got ${[...objs.keys()].join(', ')}`);
  const spec = dep.object.spec as any;
  assert.equal(spec.replicas, 4);
  assert.equal(spec.template.spec.containers[0].image, 'ghcr.io/example/api:1.5.0');
  assert.equal(dep.object.metadata.namespace, 'shop-prod');
  assert.deepEqual(dep.source, { file: 'kustomize/base/deployment.yaml', line: 1 });
  assert.deepEqual(objs.get('Service/prod-api')?.source, { file: 'kustomize/base/service.yaml', line: 2 });
  assert.deepEqual(objs.get('PodDisruptionBudget/prod-api')?.source, { file: 'kustomize/overlays/prod/pdb.yaml', line: 1 });
  const cm = r.objects.find((so) => so.object.kind === 'ConfigMap');
  assert.ok(cm);
  assert.match(cm.object.metadata.name!, /^prod-api-settings-[a-z0-9]{10}$/);
  assert.equal(spec.template.spec.containers[0].envFrom[0].configMapRef.name, cm.object.metadata.name);
  assert.deepEqual(cm.source, { file: 'kustomize/overlays/prod/kustomization.yaml', line: 18 });
});

test('kustomize remote resources are refused at the kustomization line, before running anything', async (t) => {
  const cases = [
    { path: 'kustomize/remote-github', file: 'kustomize/remote-github/kustomization.yaml', line: 5, what: /remote resource "github\.com\/kubernetes-sigs/ },
    { path: 'kustomize/remote-https', file: 'kustomize/remote-https/kustomization.yaml', line: 4, what: /remote component "https:\/\// },
  ];
  for (const c of cases) {
    await t.test(c.path, () =>
      rejectsWith(
        // a kubectl that cannot exist proves the refusal happens before the tool runs
        renderApp({ root, path: c.path, tools: { env: { DRIFTGUARD_KUBECTL: '/nonexistent/kubectl' } } }),
        'RENDER_FAILED', c.what, c.file, c.line,
      ));
  }
});

test('kustomize resources outside the repository root are refused', () =>
  rejectsWith(renderApp({ root, path: 'kustomize/escape' }), 'RENDER_FAILED', /outside the repository root/, 'kustomize/escape/kustomization.yaml', 2));

test('helm chart: values files, inline values, --set, vendored subchart, CRDs, sources', async () => {
  const r = await renderApp({
    root,
    path: 'helm/demo',
    namespace: 'web',
    helm: { releaseName: 'shop', valueFiles: ['values-prod.yaml'], values: { image: { tag: '2.2.0' } }, set: ['service.port=8081'] },
  });
  assert.equal(r.sourceType, 'helm');
  const objs = byName(r.objects);
  assert.deepEqual([...objs.keys()].sort(), [
    'ConfigMap/shop-demo-config',
    'ConfigMap/shop-demo-release',
    'CustomResourceDefinition/crontabs.stable.example.com',
    'Deployment/shop-demo',
    'Service/shop-demo',
    'StatefulSet/shop-cache',
  ]);
  const dep = objs.get('Deployment/shop-demo')!;
  assert.equal((dep.object.spec as any).replicas, 3); // values-prod.yaml
  assert.equal((dep.object.spec as any).template.spec.containers[0].image, 'ghcr.io/example/web:2.2.0'); // inline values
  assert.equal((objs.get('Service/shop-demo')!.object.spec as any).ports[0].port, 8081); // --set
  assert.equal((objs.get('ConfigMap/shop-demo-config')!.object as any).data.greeting, 'hello from prod');
  assert.equal((objs.get('ConfigMap/shop-demo-release')!.object as any).data.namespace, 'web');
  assert.deepEqual(dep.source, { file: 'helm/demo/templates/deployment.yaml', line: 2 });
  assert.deepEqual(objs.get('ConfigMap/shop-demo-config')!.source, { file: 'helm/demo/templates/configmap.yaml', line: 2 });
  assert.deepEqual(objs.get('ConfigMap/shop-demo-release')!.source, { file: 'helm/demo/templates/configmap.yaml', line: 9 });
  assert.deepEqual(objs.get('StatefulSet/shop-cache')!.source, { file: 'helm/demo/charts/cache/templates/statefulset.yaml', line: 2 });
  assert.deepEqual(objs.get('CustomResourceDefinition/crontabs.stable.example.com')!.source, { file: 'helm/demo/crds/crontab.yaml', line: 2 });
});

test('helm subchart condition from inline values turns it off', async () => {
  const r = await renderApp({ root, path: 'helm/demo', helm: { values: { cache: { enabled: false } } } });
  assert.equal(r.objects.some((so) => so.object.kind === 'StatefulSet'), false);
  assert.equal(byName(r.objects).get('Deployment/demo-demo')?.object.metadata.name, 'demo-demo'); // release defaults to the chart name
});

test('helm dependency that is not vendored fails at its entry (Chart.yaml, or requirements.yaml for v1 charts)', async (t) => {
  const cases = [
    { path: 'helm/missing-dep', dep: 'postgresql', file: 'helm/missing-dep/Chart.yaml', line: 5 },
    { path: 'helm/v1-requirements', dep: 'mysql', file: 'helm/v1-requirements/requirements.yaml', line: 2 },
  ];
  for (const c of cases) {
    await t.test(c.path, () =>
      rejectsWith(renderApp({ root, path: c.path }), 'RENDER_FAILED', new RegExp(`dependency "${c.dep}".*not vendored under charts/.*helm dependency build`), c.file, c.line));
  }
});

test('kustomize error surfaces kubectl message at the kustomization line naming the missing file', () =>
  rejectsWith(
    renderApp({ root, path: 'kustomize/broken' }),
    'RENDER_FAILED', /^kubectl kustomize failed: accumulating resources: .*missing\.yaml.*no such file or directory/,
    'kustomize/broken/kustomization.yaml', 3,
  ));

test('helm template error surfaces helm message and the template location', () =>
  rejectsWith(renderApp({ root, path: 'helm/broken' }), 'RENDER_FAILED', /helm template failed: .*dbPassword is required/, 'helm/broken/templates/secret.yaml', 6));

test('missing helm binary names what to install', () =>
  rejectsWith(
    renderApp({ root, path: 'helm/demo', tools: { env: { DRIFTGUARD_HELM: '/nonexistent/bin/helm' } } }),
    'TOOL_MISSING', /helm not found: DRIFTGUARD_HELM=\/nonexistent\/bin\/helm is not an executable file/,
  ));

test('missing helm on PATH and in .tools names npm install and PATH', async () => {
  const { findTool } = await import('../../src/render/tools.ts');
  assert.throws(() => findTool('helm', { env: { PATH: '/nonexistent' }, bundledDir: '/nonexistent' }), (e: unknown) => {
    assert.ok(e instanceof DriftguardError);
    assert.equal(e.code, 'TOOL_MISSING');
    assert.match(e.message, /run `npm install` in the driftguard checkout, or install helm 3\.x\/4\.x and put it on PATH, or set DRIFTGUARD_HELM/);
    return true;
  });
});

test('app paths may not leave the root', async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'dg-render-'));
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  mkdirSync(join(tmp, 'repo'));
  mkdirSync(join(tmp, 'outside'));
  writeFileSync(join(tmp, 'outside', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
  symlinkSync(join(tmp, 'outside'), join(tmp, 'repo', 'link'));
  const r = join(tmp, 'repo');
  await rejectsWith(renderApp({ root: r, path: '../outside' }), 'USAGE', /escapes the repository root/);
  await rejectsWith(renderApp({ root: r, path: 'link' }), 'USAGE', /symlink to outside the repository root/);
  await rejectsWith(renderApp({ root: r, path: '.' }), 'MANIFEST_INVALID', /symlink points outside/, 'link', 1);
});

test('a tool that hangs is killed with its process group: RENDER_TIMEOUT', async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'dg-timeout-'));
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const fake = join(tmp, 'helm');
  // A stand-in helm that starts a child and never exits (the only fake tool in these tests).
  const pidFile = join(tmp, 'child.pid');
  writeFileSync(fake, `#!/bin/sh\nsleep 30 &\necho $! > ${pidFile}\nsleep 30\n`);
  chmodSync(fake, 0o755);
  await rejectsWith(
    renderApp({ root, path: 'helm/demo', timeoutMs: 300, tools: { env: { DRIFTGUARD_HELM: fake } } }),
    'RENDER_TIMEOUT', /helm template did not finish within 0\.3s/,
  );
  // The background child went down with the group (poll: init reaps it asynchronously).
  const pid = Number(readFileSync(pidFile, 'utf8'));
  const alive = () => {
    try {
      process.kill(pid, 0);
      return !/^Z/m.test(readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] ?? '');
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(alive(), false, `background child ${pid} survived the timeout`);
});

test('remote references are recognised; local look-alikes that exist are not', async (t) => {
  const { isRemoteRef } = await import('../../src/render/kustomize.ts');
  const base = join(root, 'kustomize');
  const cases: Array<[string, boolean]> = [
    ['https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v3.3.1', true],
    ['http://example.com/manifests/all.yaml', true],
    ['git::https://gitlab.com/org/repo.git//deploy?ref=main', true],
    ['github.com/argoproj/argo-cd/manifests/cluster-install?ref=v2.9.0', true],
    ['gh:org/repo/deploy', true],
    ['git@github.com:org/repo.git/deploy', true],
    ['ssh://git@github.com/org/repo.git', true],
    ['gitlab.example.com:8443/team/repo/base', true],
    ['../base', false],
    ['base', false],
    ['overlays/prod', false],
    ['deployment.yaml', false],
    ['v1.2.3/config.yaml', true], // looks like a host and does not exist locally
  ];
  for (const [ref, remote] of cases) {
    await t.test(ref, () => assert.equal(isRemoteRef(ref, base), remote));
  }
  const tmp = mkdtempSync(join(tmpdir(), 'dg-remote-'));
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  mkdirSync(join(tmp, 'vendor.example.com', 'base'), { recursive: true });
  assert.equal(isRemoteRef('vendor.example.com/base', tmp), false); // a vendored copy in the repo
  assert.equal(isRemoteRef('https://vendor.example.com/base', tmp), true);
});

test('helm runs without credentials, cluster access or network', async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'dg-env-'));
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  mkdirSync(join(tmp, 'chart', 'templates'), { recursive: true });
  writeFileSync(join(tmp, 'chart', 'Chart.yaml'), 'apiVersion: v2\nname: envcheck\nversion: 0.1.0\n');
  // lookup talks to the cluster only when helm has one: with KUBECONFIG=/dev/null it returns nothing.
  writeFileSync(
    join(tmp, 'chart', 'templates', 'cm.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: env\ndata:\n  nodes: {{ lookup "v1" "Node" "" "" | len | quote }}\n',
  );
  process.env.DRIFTGUARD_TEST_SECRET_TOKEN = 'ghp_shouldnotleak';
  t.after(() => delete process.env.DRIFTGUARD_TEST_SECRET_TOKEN);
  const { runTool } = await import('../../src/render/run-tool.ts');
  const { stdout } = await runTool('/usr/bin/env', [], { cwd: tmp });
  assert.doesNotMatch(stdout, /DRIFTGUARD_TEST_SECRET_TOKEN|ghp_/);
  assert.match(stdout, /^KUBECONFIG=\/dev\/null$/m);
  assert.match(stdout, /^HTTPS_PROXY=http:\/\/127\.0\.0\.1:9$/m);
  const r = await renderApp({ root: tmp, path: 'chart' });
  assert.equal((r.objects[0]!.object as any).data.nodes, '0');
});

test('an object without namespace and the same one in the app namespace are one object: duplicate', async () => {
  const root = mkdtempSync(join(tmpdir(), 'dg-dup-ns-'));
  try {
    mkdirSync(join(root, 'app'));
    const cm = (ns: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n${ns}data: {a: "1"}\n`;
    writeFileSync(join(root, 'app', 'a.yaml'), cm(''));
    writeFileSync(join(root, 'app', 'b.yaml'), cm('  namespace: web\n'));
    // Without a destination namespace they are different objects (one lands in the default namespace).
    assert.equal((await renderApp({ root, path: 'app', namespace: 'other' })).objects.length, 2);
    await assert.rejects(renderApp({ root, path: 'app', namespace: 'web' }), (e: DriftguardError) => {
      assert.equal(e.code, 'DUPLICATE_OBJECT');
      assert.match(e.message, /ConfigMap web\/settings is defined twice: at app\/a\.yaml:1 and at app\/b\.yaml:1/);
      return true;
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
