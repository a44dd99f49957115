// `driftguard dev-cluster --real` as a user runs it: prints the kubeconfig of a real v1.36.3 API server
// that kubectl can use, and Ctrl-C stops every process it started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { until } from '../../src/devtools/system.ts';
import { realBackendEnabled } from '../support/cluster-backend.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const KUBECTL = new URL('../../.tools/bin/kubectl', import.meta.url).pathname;

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

if (realBackendEnabled()) {
  test('dev-cluster --real: kubectl reaches a v1.36.3 API server with a Ready node; Ctrl-C stops it all', async () => {
    const p = spawn(process.execPath, ['bin/driftguard.js', 'dev-cluster', '--real'], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.setEncoding('utf8').on('data', (s: string) => { out += s; });
    p.stderr.setEncoding('utf8').on('data', (s: string) => { err += s; });
    try {
      const kubeconfig = await until('the kubeconfig line', () => /^export KUBECONFIG=(.+)$/m.exec(out)?.[1] ?? (p.exitCode !== null && Promise.reject(new Error(err))), 170_000);
      assert.match(out, /^Kubernetes v1\.36\.3 \(etcd, kube-apiserver, kube-controller-manager, stand-in kubelet\) listening on https:\/\/127\.0\.0\.1:\d+$/m);
      assert.match(out, /^kubeconfig: .+ \(context driftguard-dev\)$/m);
      const version = JSON.parse((await promisify(execFile)(KUBECTL, ['--kubeconfig', kubeconfig, 'version', '-o', 'json'])).stdout) as { serverVersion: { gitVersion: string } };
      assert.equal(version.serverVersion.gitVersion, 'v1.36.3');
      const nodes = (await promisify(execFile)(KUBECTL, ['--kubeconfig', kubeconfig, 'get', 'nodes', '--no-headers'])).stdout;
      assert.match(nodes, /^stand-in-node\s+Ready\s/);

      const children = (await promisify(execFile)('pgrep', ['-P', String(p.pid)]).catch(() => ({ stdout: '' }))).stdout.split('\n').filter(Boolean).map(Number);
      assert.ok(children.length >= 3, `etcd, kube-apiserver, kube-controller-manager run as children: ${children.join(' ')}`);
      p.kill('SIGINT');
      const [code] = await once(p, 'exit') as [number | null];
      assert.equal(code, 0, err);
      assert.match(out, /^stopped$/m);
      await until('every child process gone', () => children.every((c) => !alive(c)), 10_000);
    } finally {
      if (p.exitCode === null) p.kill('SIGKILL');
    }
  });
}
