// API requests for a drift check of an in-sync 200-resource app once the watch cache is warm.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeEmulator } from '../emulators/kube/index.ts';
import { Cluster, loadKubeConfig } from '../src/kube/cluster.ts';
import { diffApp, syncApp } from '../src/sync/index.ts';
import type { KubeObject } from '../src/core/model/object.ts';
import type { BenchFigure } from './run.ts';

export function appObjects(n: number, namespace: string): KubeObject[] {
  const out: KubeObject[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }];
  for (let i = 0; out.length < n; i++) {
    const name = `svc-${i}`;
    out.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { index: String(i) } });
    if (out.length < n) out.push({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] } });
    if (out.length < n) {
      out.push({
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
        spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } } },
      });
    }
  }
  return out;
}

export default async function (): Promise<BenchFigure[]> {
  const emu = await startKubeEmulator({ rollout: { readyDelayMs: 5 } });
  const dir = mkdtempSync(join(tmpdir(), 'dg-bench-'));
  const cluster = new Cluster('bench', loadKubeConfig({ kubeconfig: emu.writeKubeconfig(join(dir, 'kubeconfig')) }));
  try {
    const desired = appObjects(200, 'drift').map((object) => ({ object }));
    const r = await syncApp({ cluster, app: 'drift', desired, prune: true, dryRun: false, timeoutMs: 60_000 });
    if (r.phase !== 'Succeeded') throw new Error(`setup sync failed: ${r.message}`);
    await diffApp({ cluster, app: 'drift', desired, mode: 'local' }); // warm
    emu.counters.reset();
    const d = await diffApp({ cluster, app: 'drift', desired, mode: 'local' });
    const reads = emu.counters.total(['get', 'list']);
    const writes = emu.counters.writes();
    return [
      { name: 'drift check, in-sync 200-resource app: reads (warm cache)', value: reads, unit: 'req', goal: '0', ok: reads === 0 },
      { name: 'drift check, in-sync 200-resource app: writes', value: writes, unit: 'req', goal: '0', ok: writes === 0 },
      { name: 'drift check, in-sync 200-resource app: modified resources', value: d.summary.create + d.summary.update, unit: 'res', goal: '0', ok: d.summary.create + d.summary.update === 0 },
    ];
  } finally {
    await cluster.close();
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
