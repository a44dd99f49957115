// Rendering within limits: every file kustomize or helm will read is checked by our own parser before
// the tool runs (a 10-line alias bomb made `kubectl kustomize` run to its timeout and 11 GB), and the
// tools run under a heap limit whose breach is a clear error at the app's file:line.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderApp } from '../../src/render/render.ts';
import { DriftguardError } from '../../src/core/errors.ts';
import { limitedCommand } from '../../src/render/run-tool.ts';
import { writeTree } from '../support/write-tree.ts';

/** The classic billion laughs, 9^9 strings from ten short lines. */
const BOMB = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]`;
const indent = (s: string, n: number) => s.split('\n').map((l) => ' '.repeat(n) + l).join('\n');
const CM_BOMB = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n${indent(BOMB, 2)}\n`;

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'driftguard-limits-'));
  dirs.push(root);
  return writeTree(root, files);
}

async function refused(p: Promise<unknown>, code: string, message: RegExp, file: string, line: number) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof DriftguardError, String(e));
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    assert.deepEqual([e.location?.file, e.location?.line], [file, line], e.toString());
    return true;
  });
}

const ALIAS = /more than 100 YAML alias expansions/;
const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

test('kustomize: an alias bomb in a resource, an overlay base, an inline patch or the kustomization itself is refused at file:line before kustomize runs', async () => {
  const root = repo({
    'app/kustomization.yaml': 'resources:\n  - ok.yaml\n  - bomb.yaml\n',
    'app/ok.yaml': cm('ok'),
    'app/bomb.yaml': `# a comment line\n${CM_BOMB}`,
    'overlay/kustomization.yaml': 'resources:\n  - ../base\n',
    'base/kustomization.yaml': 'resources:\n  - cm.yaml\npatches:\n  - path: patch.yaml\n',
    'base/cm.yaml': cm('ok'),
    'base/patch.yaml': CM_BOMB,
    'inline/kustomization.yaml': `resources:\n  - cm.yaml\npatches:\n  - target: {kind: ConfigMap}\n    patch: |-\n${indent(CM_BOMB.replace('name: bomb', 'name: ok'), 6)}\n`,
    'inline/cm.yaml': cm('ok'),
    'self/kustomization.yaml': `resources:\n  - cm.yaml\ncommonAnnotations:\n  x: y\n${BOMB.replace(/^a:/, 'extra:\n  a:').split('\n').map((l, i) => (i < 2 ? l : `  ${l}`)).join('\n')}\n`,
    'self/cm.yaml': cm('ok'),
  });
  // A DRIFTGUARD_KUSTOMIZE that does not exist: had any check let the render through, this would be TOOL_MISSING.
  const tools = { env: { ...process.env, DRIFTGUARD_KUSTOMIZE: join(root, 'no-such-kustomize') } };
  await refused(renderApp({ root, path: 'app', tools }), 'YAML_LIMIT', ALIAS, 'app/bomb.yaml', 2);
  await refused(renderApp({ root, path: 'overlay', tools }), 'YAML_LIMIT', ALIAS, 'base/patch.yaml', 1);
  await refused(renderApp({ root, path: 'inline', tools }), 'YAML_LIMIT', ALIAS, 'inline/kustomization.yaml', 6);
  await refused(renderApp({ root, path: 'self', tools }), 'YAML_LIMIT', ALIAS, 'self/kustomization.yaml', 1);
  // Generator data files are not YAML to kustomize: only their size counts.
  const big = repo({ 'g/kustomization.yaml': 'configMapGenerator:\n  - name: c\n    files:\n      - data.txt\n', 'g/data.txt': 'x'.repeat(2048) });
  await refused(renderApp({ root: big, path: 'g', tools, limits: { maxFileBytes: 1024 } }), 'YAML_LIMIT', /2048 bytes, over the 1024-byte limit/, 'g/data.txt', 1);
});

test('helm: an alias bomb in the chart values, a subchart values file or an app values file is refused at file:line', async () => {
  const chart = (name: string) => `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`;
  const root = repo({
    'c1/Chart.yaml': chart('c1'),
    'c1/values.yaml': `replicas: 1\n${BOMB}\n`,
    'c1/templates/cm.yaml': cm('x'),
    'c2/Chart.yaml': chart('c2'),
    'c2/values.yaml': 'replicas: 1\n',
    'c2/templates/cm.yaml': cm('x'),
    'c2/charts/sub/Chart.yaml': chart('sub'),
    'c2/charts/sub/values.yaml': BOMB,
    'c3/Chart.yaml': chart('c3'),
    'c3/templates/cm.yaml': cm('x'),
    'env/prod.yaml': BOMB,
  });
  const tools = { env: { ...process.env, DRIFTGUARD_HELM: join(root, 'no-such-helm') } };
  await refused(renderApp({ root, path: 'c1', tools }), 'YAML_LIMIT', ALIAS, 'c1/values.yaml', 1);
  await refused(renderApp({ root, path: 'c2', tools }), 'YAML_LIMIT', ALIAS, 'c2/charts/sub/values.yaml', 1);
  await refused(renderApp({ root, path: 'c3', tools, helm: { valueFiles: ['../env/prod.yaml'] } }), 'YAML_LIMIT', ALIAS, 'env/prod.yaml', 1);
});

test('a tool that exceeds its memory limit is stopped and reported at the kustomization', async () => {
  // Our own check let through (a raised alias limit): kustomize itself expands the bomb under the heap limit.
  const root = repo({ 'app/kustomization.yaml': 'resources:\n  - bomb.yaml\n', 'app/bomb.yaml': CM_BOMB });
  const saved = process.env.DRIFTGUARD_RENDER_MEMORY_MB;
  process.env.DRIFTGUARD_RENDER_MEMORY_MB = '256';
  try {
    await refused(renderApp({ root, path: 'app', limits: { maxAliasCount: 1e12 } }), 'RENDER_LIMIT', /kubectl kustomize ran out of memory \(limit 256 MiB/, 'app/kustomization.yaml', 1);
  } finally {
    if (saved === undefined) delete process.env.DRIFTGUARD_RENDER_MEMORY_MB;
    else process.env.DRIFTGUARD_RENDER_MEMORY_MB = saved;
  }
});

test('limitedCommand: heap and CPU limits set by sh before exec, none when both are off', () => {
  assert.deepEqual(limitedCommand('/x/helm', ['template', 'a b'], 512 * 1024 * 1024, 60_000), {
    cmd: '/bin/sh',
    argv: ['-c', 'ulimit -d 524288 && ulimit -t 120 && exec "$0" "$@"', '/x/helm', 'template', 'a b'],
  });
  assert.deepEqual(limitedCommand('/x/helm', ['version'], 0, 0), { cmd: '/x/helm', argv: ['version'] });
});
