// `driftguard health --operator-config` (or DRIFTGUARD_CONFIG): the config's CEL health checks decide.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { EXIT } from '../../src/cli/command.ts';
import { runCli } from './support.ts';

const repo = join(import.meta.dirname, '..', '..');
const DIR = 'test/fixtures/health/cel';

test('health: a CEL rule from the operator config decides a kind without a built-in rule', async () => {
  // Without the config the generic rule sees no Ready/Stalled/Reconciling and an observed generation: Healthy.
  const plain = await runCli(['health', `${DIR}/live.yaml`, '-o', 'json'], { cwd: repo });
  assert.equal(plain.code, 0, plain.stderr);
  assert.deepEqual(JSON.parse(plain.stdout).resources.map((r: { status: string }) => r.status), ['Healthy', 'Healthy']);

  const run = await runCli(['health', `${DIR}/live.yaml`, '--operator-config', `${DIR}/operator.yml`, '-o', 'json', '--exit-code'], { cwd: repo });
  assert.equal(run.code, EXIT.DIFFERENCES, run.stderr);
  const { resources, summary } = JSON.parse(run.stdout);
  assert.deepEqual(resources.map((r: { name: string; status: string; message: string }) => [r.name, r.status, r.message]), [
    ['orders', 'Progressing', `health check ${DIR}/operator.yml:10: inProgress is true`],
    ['billing', 'Degraded', `health check ${DIR}/operator.yml:10: failed is true`],
  ]);
  assert.equal(summary.status, 'Degraded');

  // DRIFTGUARD_CONFIG is the default, as for the workers.
  const env = await runCli(['health', `${DIR}/live.yaml`], { cwd: repo, env: { PATH: process.env.PATH, DRIFTGUARD_CONFIG: `${DIR}/operator.yml` } });
  assert.match(env.stdout, /^Degraded +PostgresCluster\.postgres-operator\.crunchydata\.com shop\/billing: health check/m);
});

test('health: an invalid CEL expression in the operator config is an error at its file:line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-health-'));
  try {
    writeFileSync(join(dir, 'operator.yml'), 'clusters: [{name: prod}]\nprojects: []\nhealthCheckExprs:\n  - group: example.com\n    kind: Widget\n    current: "status.ready =="\n');
    const run = await runCli(['health', join(repo, DIR, 'live.yaml'), '--operator-config', 'operator.yml'], { cwd: dir });
    assert.equal(run.code, EXIT.FAILED);
    assert.match(run.stderr, /^driftguard: operator\.yml:6:\d+: healthCheckExprs\[0\]\.current: Unexpected token: EOF/);
    assert.equal(run.stdout, '');
    const missing = await runCli(['health', join(repo, DIR, 'live.yaml'), '--operator-config', 'nope.yml'], { cwd: dir });
    assert.equal(missing.code, EXIT.FAILED);
    assert.match(missing.stderr, /cannot read the operator config nope\.yml/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
