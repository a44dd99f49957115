// `driftguard dev-cluster` as a user runs it: a child process that prints the kubeconfig path,
// serves kubectl, and stops cleanly on Ctrl-C (SIGINT).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import YAML from 'yaml';

test('dev-cluster writes a kubeconfig that kubectl uses, and stops on SIGINT', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-devcluster-'));
  const kubeconfig = join(dir, 'dev.kubeconfig');
  const child = spawn(process.execPath, [resolve('bin/driftguard.js'), 'dev-cluster', '--kubeconfig', kubeconfig, '--ready-delay', '10'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    await new Promise<void>((res, rej) => {
      child.stdout.on('data', (c) => { out += c; if (out.includes('Press Ctrl-C')) res(); });
      child.on('exit', (code) => rej(new Error(`exited early (${code}): ${out}`)));
    });
    assert.match(out, new RegExp(`^export KUBECONFIG=${kubeconfig.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    const cfg = YAML.parse(readFileSync(kubeconfig, 'utf8'));
    assert.equal(cfg['current-context'], 'driftguard-dev');
    assert.match(cfg.clusters[0].cluster.server, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(cfg.users[0].user.token.length >= 32);
    const ns = await new Promise<string>((res, rej) => execFile(resolve('.tools/bin/kubectl'), ['get', 'namespaces', '-o', 'name'], { env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: kubeconfig } }, (err, stdout, stderr) => (err ? rej(new Error(stderr)) : res(stdout))));
    assert.deepEqual(ns.trim().split('\n'), ['namespace/default', 'namespace/kube-node-lease', 'namespace/kube-public', 'namespace/kube-system']);
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    child.kill('SIGINT');
    assert.equal(await exited, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dev-cluster rejects a bad --port as a usage error', async () => {
  const r = await new Promise<{ code: number | null; stderr: string }>((res) => {
    execFile(process.execPath, [resolve('bin/driftguard.js'), 'dev-cluster', '--port', 'eighty'], (err, _stdout, stderr) => res({ code: err ? (err as any).code : 0, stderr }));
  });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--port must be an integer/);
});
