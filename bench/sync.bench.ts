// Time to sync 500 resources with 5 ms injected latency per request, against two ideals:
//  - (requests made x 5 ms) / apply concurrency: the goal in issue 3, which assumes the server costs
//    nothing but the injected latency;
//  - (sum of the measured request times) / apply concurrency: how well the client keeps `concurrency`
//    requests in flight, whatever the server's own processing time is.
// The emulator runs in its own process (as a real API server runs elsewhere), so the figure measures our
// client, not two programs sharing one event loop; a warm-up sync first, as in a long-lived worker.
// A run at 0 ms injected latency shows the floor set by the emulator's own CPU time per request.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, loadKubeConfig } from '../src/kube/cluster.ts';
import { syncApp } from '../src/sync/index.ts';
import type { KubeObject } from '../src/core/model/object.ts';
import type { BenchFigure } from './run.ts';
import { startRemoteEmulator } from './support/remote-emulator.ts';

const LATENCY_MS = 5;
const CONCURRENCY = 10;
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'discovery'];

function bulkApp(namespace: string, createNamespace: boolean): KubeObject[] {
  const out: KubeObject[] = createNamespace ? [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }] : [];
  for (let i = 0; out.length < 500; i++) out.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace }, data: { i: String(i), payload: 'x'.repeat(200) } });
  return out;
}

export default async function (): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'dg-bench-'));
  const emu = await startRemoteEmulator({}, join(dir, 'kubeconfig'));
  const figures: BenchFigure[] = [];
  try {
    const warm = new Cluster('warm-up', loadKubeConfig({ kubeconfig: emu.kubeconfig }));
    try {
      const w = await syncApp({ cluster: warm, app: 'warm', desired: bulkApp('warm', true).slice(0, 100).map((object) => ({ object })), prune: true, dryRun: false, timeoutMs: 120_000, concurrency: CONCURRENCY });
      if (w.phase !== 'Succeeded') throw new Error(`warm-up sync failed: ${w.message}`);
    } finally {
      await warm.close();
    }
    // The connection pool really runs requests in parallel: 20 GETs at 100 ms (serialized: 2000 ms).
    await emu.latency(100);
    const probe = new Cluster('probe', loadKubeConfig({ kubeconfig: emu.kubeconfig }));
    try {
      const t0 = performance.now();
      await Promise.all(Array.from({ length: 20 }, (_, i) => probe.resources.get({ group: '', version: 'v1', kind: 'ConfigMap' }, 'default', `absent-${i}`)));
      const ms = performance.now() - t0;
      figures.push({ name: '20 parallel GETs at 100 ms latency (pool check)', value: Math.round(ms), unit: 'ms', goal: '< 400', ok: ms < 400 });
    } finally {
      await probe.close();
    }
    await emu.clearFaults();
    await emu.latency(LATENCY_MS);
    // A new app with its own namespace, then a new app into an existing namespace ("default").
    for (const [label, app, desired] of [['new namespace', 'bulk', bulkApp('bulk', true)], ['existing namespace', 'bulk2', bulkApp('default', false)]] as const) {
      const cluster = new Cluster('bench', loadKubeConfig({ kubeconfig: emu.kubeconfig }));
      try {
        await emu.resetCounters();
        const t0 = performance.now();
        const r = await syncApp({ cluster, app, desired: desired.map((object) => ({ object })), prune: true, dryRun: false, timeoutMs: 120_000, concurrency: CONCURRENCY });
        const ms = performance.now() - t0;
        if (r.phase !== 'Succeeded') throw new Error(`sync failed: ${r.message}`);
        const counts = await emu.counters();
        const requests = VERBS.reduce((n, v) => n + (counts[v] ?? 0), 0);
        const ideal = (requests * LATENCY_MS) / CONCURRENCY;
        const measured = cluster.http.stats.requestMs / CONCURRENCY;
        figures.push(
          { name: `sync 500 resources (${label}), ${LATENCY_MS} ms/request, conc. ${CONCURRENCY}`, value: Math.round(ms), unit: 'ms' },
          { name: `  requests made by that sync`, value: requests, unit: 'req' },
          { name: `  ratio to (requests x ${LATENCY_MS} ms / concurrency)`, value: Number((ms / ideal).toFixed(2)), unit: 'x', goal: '<= 1.5', ok: ms / ideal <= 1.5 },
          { name: `  ratio to (sum of measured request times / concurrency)`, value: Number((ms / measured).toFixed(2)), unit: 'x', goal: '<= 1.5', ok: ms / measured <= 1.5 },
        );
      } finally {
        await cluster.close();
      }
    }
    // The floor: the same kind of sync with no injected latency at all.
    await emu.clearFaults();
    const warm2 = new Cluster('floor', loadKubeConfig({ kubeconfig: emu.kubeconfig }));
    try {
      const t0 = performance.now();
      const f = await syncApp({ cluster: warm2, app: 'floor', desired: bulkApp('floor', true).map((object) => ({ object })), prune: true, dryRun: false, timeoutMs: 120_000, concurrency: CONCURRENCY });
      if (f.phase !== 'Succeeded') throw new Error(`floor sync failed: ${f.message}`);
      figures.push({ name: 'sync 500 resources, 0 ms injected latency (emulator CPU floor)', value: Math.round(performance.now() - t0), unit: 'ms' });
    } finally {
      await warm2.close();
    }
    return figures;
  } finally {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
