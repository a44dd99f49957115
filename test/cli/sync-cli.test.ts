// `driftguard sync` and `driftguard diff --context` through the CLI entry point (main(argv, io)) and the
// spawned executable (node bin/driftguard.js), against the Kubernetes API emulator over real HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { runCli } from './support.ts';
import { startTestCluster, cm, deploy, ns, svc, type TestCluster } from '../sync/emulator-cluster.ts';
import type { KubeObject } from '../../src/core/model/object.ts';
import type { SyncResult } from '../../src/sync/types.ts';
import type { DiffAppResult } from '../../src/sync/types.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** An app directory `<t.dir>/repo/apps/<name>` with one file per object; returns the repo dir. */
function writeApp(t: TestCluster, name: string, objects: KubeObject[]): string {
  const root = join(t.dir, 'repo');
  const dir = join(root, 'apps', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'app.yaml'), objects.map((o) => stringify(o)).join('---\n'));
  return root;
}

const shop = (image = 'nginx:1.27', data = 'v1'): KubeObject[] => [ns('shop'), cm('settings', 'shop', { version: data }), svc('api', 'shop'), deploy('api', 'shop', image, 1)];

function env(t: TestCluster): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, KUBECONFIG: t.kubeconfig };
}

test('driftguard sync / diff --context in-process: exit codes 0, 1, 2, 3, 4 and JSON output', async (s) => {
  const t = await startTestCluster({ rollout: { readyDelayMs: 10, failImagePattern: /broken/ } });
  try {
    const root = writeApp(t, 'shop', shop());
    const run = (args: string[]) => runCli(args, { cwd: root, env: env(t) });

    await s.test('0: first sync creates everything, healthy, JSON result', async () => {
      const r = await run(['sync', 'apps/shop', '--context', t.context, '--prune', '-o', 'json']);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const res = JSON.parse(r.stdout) as SyncResult;
      assert.equal(res.app, 'shop');
      assert.equal(res.phase, 'Succeeded');
      assert.equal(res.health, 'Healthy');
      assert.deepEqual(res.resources.map((x) => `${x.outcome} ${x.action} ${x.kind}`), ['applied create Namespace', 'applied create ConfigMap', 'applied create Service', 'applied create Deployment']);
      assert.equal(res.resources.find((x) => x.kind === 'ConfigMap')?.source?.file, 'apps/shop/app.yaml');
      assert.equal(t.emu.getObject('v1', 'ConfigMap', 'shop', 'settings')?.metadata.labels?.['driftguard.dev/app'], 'shop');
    });

    await s.test('0: diff --context of the synced app shows no differences; a second sync writes nothing', async () => {
      const d = await run(['diff', 'apps/shop', '--context', t.context, '--exit-code']);
      assert.equal(d.code, 0, d.stderr + d.stdout);
      assert.match(d.stdout, /^No differences \(4 resources unchanged\)$/m);
      t.emu.counters.reset();
      const r = await run(['sync', 'apps/shop', '--context', t.context]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Succeeded: 0 applied, 0 pruned, 4 unchanged; health Healthy/m);
      assert.equal(t.emu.counters.writes(), 0);
    });

    await s.test('3: diff --context --exit-code after a change by hand; JSON names the drift', async () => {
      const live = t.emu.getObject('v1', 'ConfigMap', 'shop', 'settings')!;
      t.emu.putObject({ ...live, data: { version: 'edited-by-hand' } });
      const d = await run(['diff', 'apps/shop', '--context', t.context, '--exit-code']);
      assert.equal(d.code, 3, d.stderr);
      assert.match(d.stdout, /^~ update ConfigMap shop\/settings {2}\(apps\/shop\/app\.yaml:\d+\)$/m);
      assert.match(d.stdout, /^-\s+version: edited-by-hand$/m);
      const j = await run(['diff', 'apps/shop', '--context', t.context, '-o', 'json']);
      assert.equal(j.code, 0, j.stderr);
      const res = JSON.parse(j.stdout) as DiffAppResult;
      assert.deepEqual(res.resources.filter((x) => x.modified).map((x) => `${x.action} ${x.kind}/${x.name}`), ['update ConfigMap/settings']);
      assert.deepEqual(res.errors, []);
    });

    await s.test('1: unknown kind fails preflight, nothing written; diff --context reports it too', async () => {
      const bad = writeApp(t, 'bad', [cm('a', 'shop'), { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'shop' } }]);
      t.emu.counters.reset();
      const r = await runCli(['sync', 'apps/bad', '--context', t.context, '-o', 'json'], { cwd: bad, env: env(t) });
      assert.equal(r.code, 1, r.stderr);
      const res = JSON.parse(r.stdout) as SyncResult;
      assert.equal(res.phase, 'Failed');
      assert.match(res.resources.find((x) => x.kind === 'Widget')?.message ?? '', /unknown kind/);
      assert.equal(t.emu.counters.writes(), 0);
      const d = await runCli(['diff', 'apps/bad', '--context', t.context], { cwd: bad, env: env(t) });
      assert.equal(d.code, 1);
      assert.match(d.stdout, /^error: Widget shop\/w: unknown kind/m);
    });

    await s.test('1: mass prune refused with a one-line error', async () => {
      const emptyish = writeApp(t, 'shop', [ns('shop')]);
      const r = await runCli(['sync', 'apps/shop', '--context', t.context, '--prune'], { cwd: emptyish, env: env(t) });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^driftguard: .*refusing to prune 3 of the 4 live resources app "shop" owns.*--allow-mass-prune/);
      assert.ok(t.emu.getObject('apps/v1', 'Deployment', 'shop', 'api'), 'nothing pruned');
      writeApp(t, 'shop', shop());
    });

    await s.test('4: applied but Degraded (image never becomes ready)', async () => {
      const broken = shop('registry.example/broken:1');
      (broken[3].spec as Record<string, unknown>).progressDeadlineSeconds = 1;
      writeApp(t, 'shop', broken);
      const r = await run(['sync', 'apps/shop', '--context', t.context, '--timeout', '20s', '-o', 'json']);
      assert.equal(r.code, 4, r.stderr + r.stdout);
      const res = JSON.parse(r.stdout) as SyncResult;
      assert.equal(res.phase, 'Succeeded');
      assert.equal(res.health, 'Degraded');
      writeApp(t, 'shop', shop());
    });

    await s.test('0: --dry-run --prune reports prunes as server dry-run deletes and changes nothing', async () => {
      writeApp(t, 'shop', shop().filter((o) => o.kind !== 'Service'));
      t.emu.counters.reset();
      const r = await run(['sync', 'apps/shop', '--context', t.context, '--prune', '--dry-run', '-o', 'json']);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const res = JSON.parse(r.stdout) as SyncResult;
      assert.equal(res.dryRun, true);
      assert.deepEqual(res.resources.filter((x) => x.outcome === 'pruned').map((x) => `${x.kind}/${x.name}: ${x.message}`), ['Service/api: dry run: the server accepted the delete']);
      assert.ok(t.emu.getObject('v1', 'Service', 'shop', 'api'), 'not deleted');
      assert.equal(t.emu.counters.get('delete', 'services'), 1);
      writeApp(t, 'shop', shop());
    });

    await s.test('1/0: --namespaced refuses a cluster-scoped object; without it the app syncs', async () => {
      const r = await run(['sync', 'apps/shop', '--context', t.context, '--namespaced', '-n', 'shop', '-o', 'json']);
      assert.equal(r.code, 1, r.stderr);
      const res = JSON.parse(r.stdout) as SyncResult;
      assert.match(res.resources.find((x) => x.kind === 'Namespace')?.message ?? '', /cluster-scoped, but access is restricted to namespace\(s\) shop/);
      const scoped = writeApp(t, 'shop-ns', shop().filter((o) => o.kind !== 'Namespace'));
      const ok = await runCli(['sync', 'apps/shop-ns', '--app', 'shop', '--context', t.context, '--namespaced', '-n', 'shop'], { cwd: scoped, env: env(t) });
      assert.equal(ok.code, 0, ok.stderr + ok.stdout);
      const d = await runCli(['diff', 'apps/shop-ns', '--app', 'shop', '--context', t.context, '--namespaced', '-n', 'shop', '--exit-code'], { cwd: scoped, env: env(t) });
      assert.equal(d.code, 0, d.stderr + d.stdout);
    });

    for (const [name, args, err] of [
      ['bad --timeout', ['--timeout', 'soon'], /invalid duration "soon"/],
      ['bad --concurrency', ['--concurrency', 'lots'], /--concurrency must be a positive integer/],
      ['unknown context', ['--context', 'nope'], /kubeconfig has no context "nope"/],
    ] as const) {
      await s.test(`${name === 'unknown context' ? 1 : 2}: ${name}`, async () => {
        const args2 = args[0] === '--context' ? ['sync', 'apps/shop', ...args] : ['sync', 'apps/shop', '--context', t.context, ...args];
        const r = await run(args2);
        assert.equal(r.code, name === 'unknown context' ? 1 : 2, r.stderr);
        assert.match(r.stderr, err);
        assert.equal(r.stdout, '');
      });
    }
  } finally {
    await t.close();
  }
});

/** The real executable, spawned asynchronously: the emulator lives in this process and must keep serving. */
function spawnCli(args: string[], cwd: string, environment: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repo, 'bin/driftguard.js'), ...args], { cwd, env: { ...environment, HOME: process.env.HOME } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b));
    child.stderr.on('data', (b: Buffer) => (stderr += b));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

test('spawned bin/driftguard.js: sync -o json, then diff --context --exit-code sees a hand edit', async () => {
  const t = await startTestCluster({ rollout: { readyDelayMs: 10 } });
  try {
    const root = writeApp(t, 'web', [cm('web-settings', 'default', { a: '1' }), svc('web', 'default')]);
    const r = await spawnCli(['sync', 'apps/web', '--kubeconfig', t.kubeconfig, '--context', t.context, '-o', 'json'], root, { PATH: process.env.PATH });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const res = JSON.parse(r.stdout) as SyncResult;
    assert.deepEqual(res.counts, { applied: 2, pruned: 0, unchanged: 0, failed: 0, skipped: 0 });
    assert.equal(t.emu.getObject('v1', 'Service', 'default', 'web')?.metadata.annotations?.['driftguard.dev/tracking-id'], 'web:/Service:default/web');

    const clean = await spawnCli(['diff', 'apps/web', '--context', t.context, '--exit-code'], root, env(t));
    assert.equal(clean.code, 0, clean.stderr);
    const live = t.emu.getObject('v1', 'ConfigMap', 'default', 'web-settings')!;
    t.emu.putObject({ ...live, data: { a: '2' } });
    const drift = await spawnCli(['diff', 'apps/web', '--context', t.context, '--exit-code'], root, env(t));
    assert.equal(drift.code, 3, drift.stderr);
    assert.match(drift.stdout, /^Summary: 0 to create, 1 to update, 0 to delete, 1 unchanged \(2 resources\)$/m);
    assert.doesNotMatch(drift.stdout, /\x1b\[/);

    const usage = await spawnCli(['sync', 'apps/web'], root, { PATH: process.env.PATH, KUBECONFIG: join(t.dir, 'missing-kubeconfig') });
    assert.equal(usage.code, 1);
    assert.match(usage.stderr, /^driftguard: .*cannot load kubeconfig/);
  } finally {
    await t.close();
  }
});
