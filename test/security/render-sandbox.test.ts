// The render sandbox against hostile repositories (a fork PR's code runs here), with the real helm and
// kubectl kustomize: no file outside the repository, no cluster, no network, no environment, no plugins.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderApp } from '../../src/render/render.ts';
import { runTool } from '../../src/render/run-tool.ts';
import { DriftguardError } from '../../src/core/errors.ts';
import { FAKE_ENV_SECRETS } from './system.ts';
import { writeTree } from '../support/write-tree.ts';

let work: string;
const saved: Record<string, string | undefined> = {};
const PLANTED = { ...FAKE_ENV_SECRETS, PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----PLANTEDKEYMATERIAL', KUBECONFIG: '/home/planted/.kube/config' };

before(() => {
  work = mkdtempSync(join(tmpdir(), 'driftguard-sandbox-'));
  // The worker's own environment carries credentials; the tools must not see them.
  for (const [k, v] of Object.entries(PLANTED)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
});
after(() => {
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  rmSync(work, { recursive: true, force: true });
});

let n = 0;
const repo = (files: Record<string, string>, links: Record<string, string> = {}) => writeTree(join(work, `r${n++}`), files, links);

const CHART = 'apiVersion: v2\nname: c\nversion: 0.1.0\n';
const values = (objs: Array<{ object: Record<string, any> }>) => JSON.stringify(objs.map((o) => o.object));

test('helm: .Files.Get cannot climb out of the chart, lookup sees no cluster, env is not a function', async () => {
  const root = repo({
    'c/Chart.yaml': CHART,
    'c/templates/cm.yaml': `apiVersion: v1
kind: ConfigMap
metadata: {name: steal}
data:
  rel: {{ .Files.Get "../../../../../../../etc/passwd" | quote }}
  abs: {{ .Files.Get "/etc/passwd" | quote }}
  glob: {{ .Files.Glob "../**" | len | quote }}
  secret: {{ lookup "v1" "Secret" "kube-system" "" | toJson | quote }}
  ns: {{ lookup "v1" "Namespace" "" "" | toJson | quote }}
`,
  });
  const r = await renderApp({ root, path: 'c' });
  const data = r.objects[0]!.object.data as Record<string, string>;
  assert.deepEqual(data, { rel: '', abs: '', glob: '0', secret: '{}', ns: '{}' });

  const withEnv = repo({ 'c/Chart.yaml': CHART, 'c/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: e}\ndata: {t: {{ env "GITHUB_TOKEN" | quote }}}\n' });
  await assert.rejects(renderApp({ root: withEnv, path: 'c' }), (e: DriftguardError) => {
    assert.equal(e.code, 'RENDER_FAILED');
    assert.match(e.message, /function "env" not defined/);
    assert.ok(!e.message.includes(FAKE_ENV_SECRETS.GITHUB_TOKEN));
    return true;
  });
});

test('symlinks out of the repository are refused (helm chart, kustomize, plain), with file:line', async () => {
  const cases: Array<[string, string, Record<string, string>, Record<string, string>, string]> = [
    ['helm', 'c', { 'c/Chart.yaml': CHART, 'c/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {p: {{ .Files.Get "files/passwd" | quote }}}\n' }, { 'c/files/passwd': '/etc/passwd' }, 'c/files/passwd'],
    ['helm dir', 'c', { 'c/Chart.yaml': CHART }, { 'c/templates': '/etc' }, 'c/templates'],
    ['kustomize', 'k', { 'k/kustomization.yaml': 'configMapGenerator:\n  - name: x\n    files: [passwd]\n' }, { 'k/passwd': '/etc/passwd' }, 'k/passwd'],
    ['plain', 'p', { 'p/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n' }, { 'p/b.yaml': '/etc/hostname' }, 'p/b.yaml'],
  ];
  for (const [name, path, files, links, file] of cases) {
    const root = repo(files, links);
    await assert.rejects(renderApp({ root, path }), (e: DriftguardError) => {
      assert.match(e.message, /symlink points outside the repository root/, name);
      assert.equal(e.location?.file, file, name);
      return true;
    }, name);
  }
  // An app path that is itself a link out of the repository.
  const root = repo({}, { app: '/etc' });
  await assert.rejects(renderApp({ root, path: 'app' }), /resolves through a symlink to outside the repository root/);
  await assert.rejects(renderApp({ root, path: '../../etc' }), /escapes the repository root/);
});

test('kustomize: remote bases, out-of-root files and remote helm charts are refused before the tool runs', async () => {
  const cases: Array<[string, string, RegExp]> = [
    ['resources: [https://github.com/evil/base//deploy?ref=main]', 'k/kustomization.yaml', /remote resource .* not allowed/],
    ['resources: [github.com/evil/base/deploy]', 'k/kustomization.yaml', /remote resource .* not allowed/],
    ['resources: ["git@github.com:evil/base.git"]', 'k/kustomization.yaml', /remote resource .* not allowed/],
    ['bases: ["ssh://git@example.com/evil.git"]', 'k/kustomization.yaml', /remote base .* not allowed/],
    ['resources: [../../../../etc/passwd]', 'k/kustomization.yaml', /outside the repository root/],
    ['configMapGenerator:\n  - name: x\n    files: [/etc/passwd]', 'k/kustomization.yaml', /outside the repository root/],
    ['secretGenerator:\n  - name: x\n    envs: [../../../../proc/self/environ]', 'k/kustomization.yaml', /outside the repository root/],
    ['helmCharts:\n  - name: x\n    repo: https://charts.evil.example\n    version: 1.0.0', 'k/kustomization.yaml', /without network access/],
  ];
  for (const [k, file, re] of cases) {
    const root = repo({ 'k/kustomization.yaml': `${k}\n` });
    await assert.rejects(renderApp({ root, path: 'k' }), (e: DriftguardError) => {
      assert.match(e.message, re, k);
      assert.equal(e.location?.file, file, k);
      assert.ok((e.location?.line ?? 0) >= 1);
      return true;
    }, k);
  }
});

test('kustomize: exec plugins, KRM functions and inline helm are disabled; the plugin never runs', async () => {
  const marker = join(work, 'plugin-ran');
  for (const fn of [`exec:\n        path: ./plugin.sh`, `container:\n        image: evil/exfiltrate:1`, `starlark:\n        path: ./fn.star`]) {
    const root = repo({
      'k/kustomization.yaml': 'resources: [cm.yaml]\ntransformers: [fn.yaml]\n',
      'k/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
      'k/fn.yaml': `apiVersion: example.com/v1\nkind: Exfiltrate\nmetadata:\n  name: x\n  annotations:\n    config.kubernetes.io/function: |\n      ${fn}\n`,
      'k/plugin.sh': `#!/bin/sh\ntouch ${marker}\ncat\n`,
      'k/fn.star': 'print("x")\n',
    });
    chmodSync(join(root, 'k/plugin.sh'), 0o755);
    await assert.rejects(renderApp({ root, path: 'k' }), /plugins disabled|unable to load external plugin/, fn);
  }
  const inlineHelm = repo({ 'k/kustomization.yaml': 'helmCharts:\n  - name: c\n', 'k/charts/c/Chart.yaml': CHART });
  await assert.rejects(renderApp({ root: inlineHelm, path: 'k' }), /enable-helm|helm/i);
  assert.equal(existsSync(marker), false, 'the exec plugin did not run');
});

test("the tools' environment holds no credential of the worker and routes any network access to a dead proxy", async () => {
  const { stdout } = await runTool('/usr/bin/env', [], { cwd: work, label: 'env' });
  for (const [k, v] of Object.entries(PLANTED)) {
    if (k === 'KUBECONFIG') continue;
    assert.ok(!stdout.includes(k) && !stdout.includes(v), `${k} visible to tools`);
  }
  assert.match(stdout, /^KUBECONFIG=\/dev\/null$/m);
  assert.match(stdout, /^HTTPS_PROXY=http:\/\/127\.0\.0\.1:9$/m);
  assert.match(stdout, /^GIT_SSH_COMMAND=\/bin\/false$/m);
  // kustomize env files with bare keys read nothing from the process environment.
  const root = repo({ 'k/kustomization.yaml': 'configMapGenerator:\n  - name: e\n    envs: [leak.env]\n', 'k/leak.env': 'GITHUB_TOKEN\nPRIVATE_KEY\nAWS_SECRET_ACCESS_KEY\n' });
  const r = await renderApp({ root, path: 'k' });
  const out = values(r.objects);
  for (const v of Object.values(PLANTED)) assert.ok(!out.includes(v), out);
});

test('helm: chart dependencies must be vendored; remote values files are refused', async () => {
  const dep = repo({ 'c/Chart.yaml': `${CHART}dependencies:\n  - name: redis\n    version: 1.0.0\n    repository: https://charts.evil.example\n`, 'c/templates/x.yaml': '' });
  await assert.rejects(renderApp({ root: dep, path: 'c' }), (e: DriftguardError) => {
    assert.match(e.message, /not vendored under charts\//);
    assert.deepEqual(e.location, { file: 'c/Chart.yaml', line: 5 });
    return true;
  });
  const vals = repo({ 'c/Chart.yaml': CHART });
  await assert.rejects(renderApp({ root: vals, path: 'c', helm: { valueFiles: ['https://evil.example/values.yaml'] } }), /remote/);
  await assert.rejects(renderApp({ root: vals, path: 'c', helm: { valueFiles: ['../../../../etc/passwd'] } }), /outside the repository root/);
});
