// Time to sync 500 resources with 5 ms injected latency per request, against the ideal:
// (requests made x 5 ms) / apply concurrency.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeEmulator } from '../emulators/kube/index.ts';
import { Cluster, loadKubeConfig } from '../src/kube/cluster.ts';
import { syncApp } from '../src/sync/index.ts';
import type { KubeObject } from '../src/core/model/object.ts';
import type { BenchFigure } from './run.ts';

const LATENCY_MS = 5;
const CONCURRENCY = 10;

export default async function (): Promise<BenchFigure[]> {
  const emu = await startKubeEmulator();
  const dir = mkdtempSync(join(tmpdir(), 'dg-bench-'));
  const cluster = new Cluster('bench', loadKubeConfig({ kubeconfig: emu.writeKubeconfig(join(dir, 'kubeconfig')) }));
  try {
    const desired: KubeObject[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bulk' } }];
    for (let i = 0; desired.length < 500; i++) desired.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'bulk' }, data: { i: String(i), payload: 'x'.repeat(200) } });
    emu.faults.latency(LATENCY_MS);
    emu.counters.reset();
    const t0 = performance.now();
    const r = await syncApp({ cluster, app: 'bulk', desired: desired.map((object) => ({ object })), prune: true, dryRun: false, timeoutMs: 120_000, concurrency: CONCURRENCY });
    const ms = performance.now() - t0;
    if (r.phase !== 'Succeeded') throw new Error(`sync failed: ${r.message}`);
    const requests = emu.counters.total([...['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] as const, 'discovery']);
    const ideal = (requests * LATENCY_MS) / CONCURRENCY;
    return [
      { name: `sync 500 resources, ${LATENCY_MS} ms/request, concurrency ${CONCURRENCY}`, value: Math.round(ms), unit: 'ms' },
      { name: 'requests made by that sync', value: requests, unit: 'req' },
      { name: 'ratio to (requests x latency / concurrency)', value: Number((ms / ideal).toFixed(2)), unit: 'x', goal: '<= 1.5', ok: ms / ideal <= 1.5 },
    ];
  } finally {
    await cluster.close();
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
