// The render memo with the real kustomize and helm: identical inputs render once (another app on the
// same overlay, the same tree in another checkout), and anything a render reads that differs — another
// overlay, an edited shared base, a values file outside the chart — is rendered again, never served
// from another app's output.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { renderApp, type RenderOptions } from '../../src/render/render.ts';
import { RenderMemo, renderInputsKey } from '../../workers/render-memo.ts';
import { deployment } from './harness.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'driftguard-memo-'));
  dirs.push(root);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

const overlay = (replicas: number) => `resources: [../../base]\npatches:\n  - target: {kind: Deployment, name: svc}\n    patch: |-\n      - op: replace\n        path: /spec/replicas\n        value: ${replicas}\n`;
const MONO = {
  'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
  'base/deployment.yaml': deployment('svc'),
  'apps/a/kustomization.yaml': overlay(2),
  'apps/b/kustomization.yaml': overlay(3),
  'README.md': '# mono\n',
};

/** A memo over the real renderer, counting the renders that really ran. */
function counted() {
  const memo = new RenderMemo();
  let ran = 0;
  const render = (o: RenderOptions) => {
    ran++;
    return renderApp(o);
  };
  return { memo, ran: () => ran, render: (opts: RenderOptions, caps = 'production') => memo.render(opts, caps, render) };
}
const replicas = (r: Awaited<ReturnType<typeof renderApp>>) => (r.objects[0].object as unknown as { spec: { replicas: number } }).spec.replicas;

test('two apps on the same overlay and options render once; another overlay of the same base does not share output', async () => {
  const root = repo(MONO);
  const m = counted();
  const [a1, a2] = await Promise.all([m.render({ root, path: 'apps/a', namespace: 'web' }, 'eu'), m.render({ root, path: 'apps/a', namespace: 'web' }, 'us')]);
  assert.equal(m.ran(), 1, 'one kustomize run for identical inputs (a Kustomization reads no cluster capabilities)');
  assert.deepEqual(a1, a2);
  assert.equal(replicas(a1), 2);
  const b = await m.render({ root, path: 'apps/b', namespace: 'web' });
  assert.equal(m.ran(), 2);
  assert.equal(replicas(b), 3, 'b has its own overlay');
  assert.deepEqual(b, await renderApp({ root, path: 'apps/b', namespace: 'web' }), 'what the renderer gives without the memo');
  // Another namespace is another input.
  await m.render({ root, path: 'apps/a', namespace: 'api' });
  assert.equal(m.ran(), 3);
  // Each caller gets its own copy: changing one result cannot change the next.
  (a1.objects[0].object.metadata as { name: string }).name = 'mutated';
  assert.equal((await m.render({ root, path: 'apps/a', namespace: 'web' })).objects[0].object.metadata.name, 'svc');
});

test('the same tree in another checkout renders once; an edit to the shared base outside the app path renders again', async () => {
  const one = repo(MONO);
  const two = mkdtempSync(join(tmpdir(), 'driftguard-memo-'));
  dirs.push(two);
  cpSync(one, two, { recursive: true });
  const m = counted();
  await m.render({ root: one, path: 'apps/a', namespace: 'web' });
  await m.render({ root: two, path: 'apps/a', namespace: 'web' });
  assert.equal(m.ran(), 1);
  writeFileSync(join(two, 'base/deployment.yaml'), deployment('svc', 1, 'nginx:1.28'));
  const edited = await m.render({ root: two, path: 'apps/a', namespace: 'web' });
  assert.equal(m.ran(), 2, 'the base is an input of the overlay');
  assert.match(JSON.stringify(edited.objects[0].object), /nginx:1\.28/);
  // A file the render does not read (README) is no input.
  writeFileSync(join(two, 'README.md'), '# edited\n');
  await m.render({ root: two, path: 'apps/a', namespace: 'web' });
  assert.equal(m.ran(), 2);
});

test('a chart: its values file outside the chart and the destination cluster are inputs', async () => {
  const chart = {
    'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
    'charts/web/values.yaml': 'replicas: 1\n',
    'charts/web/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  replicas: "{{ .Values.replicas }}"\n',
    'env/prod.yaml': 'replicas: 4\n',
  };
  const root = repo(chart);
  const m = counted();
  const opts: RenderOptions = { root, path: 'charts/web', namespace: 'web', helm: { releaseName: 'web', valueFiles: ['../../env/prod.yaml'] } };
  const first = await m.render(opts);
  assert.equal((first.objects[0].object as unknown as { data: { replicas: string } }).data.replicas, '4');
  await m.render(opts);
  assert.equal(m.ran(), 1);
  await m.render(opts, 'staging');
  assert.equal(m.ran(), 2, 'another cluster may have other capabilities');
  writeFileSync(join(root, 'env/prod.yaml'), 'replicas: 5\n');
  const edited = await m.render(opts);
  assert.equal(m.ran(), 3);
  assert.equal((edited.objects[0].object as unknown as { data: { replicas: string } }).data.replicas, '5');
});

test('inputs that cannot be listed faithfully are not memoized; the memo stays within its bound', async () => {
  const root = repo({ ...MONO, 'apps/remote/kustomization.yaml': 'resources: [https://github.com/acme/x//deploy?ref=v1]\n', 'apps/out/kustomization.yaml': 'resources: [../../../elsewhere]\n' });
  assert.equal(await renderInputsKey({ root, path: 'apps/remote' }, 'p'), undefined);
  assert.equal(await renderInputsKey({ root, path: 'apps/out' }, 'p'), undefined);
  assert.equal(await renderInputsKey({ root, path: 'apps/a', kustomize: { buildOptions: ['--enable-helm'] } }, 'p'), undefined);
  assert.ok(await renderInputsKey({ root, path: 'apps/a' }, 'p'));

  const one = JSON.stringify(await renderApp({ root, path: 'apps/a', namespace: 'web' })).length;
  const small = new RenderMemo(Math.floor(one * 1.5)); // room for one render
  await small.render({ root, path: 'apps/a', namespace: 'web' }, 'p', renderApp);
  await small.render({ root, path: 'apps/b', namespace: 'web' }, 'p', renderApp);
  assert.equal(small.size, 1, 'the older render was dropped');
  await small.render({ root, path: 'apps/b', namespace: 'web' }, 'p', renderApp);
  assert.equal(small.hits, 1);
});
