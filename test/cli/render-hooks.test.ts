// `driftguard render` prints sync hooks (marked with their phase) instead of hiding them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runCli } from './support.ts';
import { writeTree } from '../support/write-tree.ts';

const CHART = {
  'chart/Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 0.1.0\n',
  'chart/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: "1"}\n',
  'chart/templates/migrate.yaml': 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations: {helm.sh/hook: pre-upgrade}\nspec: {template: {spec: {restartPolicy: Never, containers: [{name: m, image: m}]}}}\n',
  'chart/templates/smoke.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: smoke\n  annotations: {helm.sh/hook: test}\nspec: {containers: [{name: t, image: t}]}\n',
  'chart/templates/notify.yaml': 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: notify\n  annotations: {driftguard.dev/hook: "PostSync,SyncFail"}\nspec: {template: {spec: {restartPolicy: Never, containers: [{name: n, image: n}]}}}\n',
};

test('render: hooks are printed with a "# hook:" comment (YAML) or a hook field (JSON); Helm tests as "none"', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-render-hooks-'));
  try {
    writeTree(dir, CHART);
    const y = await runCli(['render', 'chart'], { cwd: dir });
    assert.equal(y.code, 0, y.stderr);
    const hooksOf = new Map<string, string | undefined>();
    for (const chunk of y.stdout.split(/^---\n/m).filter(Boolean)) {
      const name = parseAllDocuments(chunk)[0]!.toJS().metadata.name as string;
      hooksOf.set(name, /^# hook: (.*)$/m.exec(chunk)?.[1]);
    }
    assert.deepEqual(Object.fromEntries(hooksOf), { settings: undefined, migrate: 'PreSync', notify: 'PostSync,SyncFail', smoke: 'none' });

    for (const argv of [['render', 'chart', '-o', 'json'], ['render', 'chart', '-o', 'json', '--include-hooks']]) {
      const j = await runCli(argv, { cwd: dir });
      assert.equal(j.code, 0, j.stderr);
      const items = JSON.parse(j.stdout) as Array<{ hook?: string; object: { metadata: { name: string } } }>;
      assert.deepEqual(Object.fromEntries(items.map((i) => [i.object.metadata.name, i.hook ?? null])), { settings: null, migrate: 'PreSync', notify: 'PostSync,SyncFail', smoke: 'none' }, argv.join(' '));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
