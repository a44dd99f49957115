// Test helper: a real emulator over HTTP, its kubeconfig on disk, and our Cluster connected through it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeEmulator } from '../../emulators/kube/index.ts';
import { Cluster, loadKubeConfig } from '../../src/kube/cluster.ts';
import type { KubeObject, SourcedObject } from '../../src/core/model/object.ts';

export type Emulator = Awaited<ReturnType<typeof startKubeEmulator>>;

export interface TestCluster {
  emu: Emulator;
  cluster: Cluster;
  kubeconfig: string;
  context: string;
  dir: string;
  close(): Promise<void>;
}

export async function startTestCluster(opts: Parameters<typeof startKubeEmulator>[0] = {}): Promise<TestCluster> {
  const emu = await startKubeEmulator(opts);
  const dir = mkdtempSync(join(tmpdir(), 'dg-sync-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await emu.writeKubeconfig(kubeconfig);
  const kc = loadKubeConfig({ kubeconfig });
  const context = kc.getCurrentContext();
  // Short backoff caps keep fault tests quick; the retry logic is the same as production's.
  const cluster = new Cluster('emulator', kc, { backoff: { retries: 6, baseMs: 10, maxMs: 300 } });
  return {
    emu, cluster, kubeconfig, context, dir,
    async close() {
      await cluster.close();
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function src(objects: KubeObject[]): SourcedObject[] {
  return objects.map((object, i) => ({ object, source: { file: 'app.yaml', line: 1 + i * 10 } }));
}

export const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
export const cm = (name: string, namespace: string, data: Record<string, string> = { k: 'v' }): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data });
export const sa = (name: string, namespace: string): KubeObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } });
export const svc = (name: string, namespace: string): KubeObject => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace },
  spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
});
export const deploy = (name: string, namespace: string, image = 'nginx:1.27', replicas = 2, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
  spec: {
    replicas, selector: { matchLabels: { app: name } }, ...extra,
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image, ports: [{ containerPort: 8080 }] }] } },
  },
});
