// Round-trip helpers: render a vendored public GitOps source with the real tools, sync it into a cluster
// (the emulator or the real kube-apiserver), and drive out-of-band changes with the real kubectl from .tools/bin.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { renderApp, type RenderOptions } from '../../src/render/index.ts';
import { diffApp, syncApp } from '../../src/sync/index.ts';
import type { DiffAppResult, SyncResult } from '../../src/sync/index.ts';
import type { SourcedObject } from '../../src/core/model/object.ts';
import type { Cluster } from '../../src/kube/cluster.ts';

/** What the helpers need of a test cluster (either backend's, or emulator-cluster.ts's). */
export interface RoundTripCluster { cluster: Cluster; kubeconfig: string }

export const FIXTURES = fileURLToPath(new URL('../fixtures/public-repos/', import.meta.url));
export const KUBECTL = fileURLToPath(new URL('../../.tools/bin/kubectl', import.meta.url));

/** An out-of-band change made with real kubectl, and the drift it must produce (or `null`: no drift). */
export interface Mutation {
  name: string;
  args: string[];
  /** Manifest piped to kubectl (`-f -`). */
  stdin?: string;
  /** Extra environment (KUBE_EDITOR for a non-interactive `kubectl edit`). */
  env?: Record<string, string>;
  /** `paths`: the JSON pointers of the patch back to git (update); a deleted object is a create. */
  drift: { kind: string; name: string; paths: string[]; action?: 'update' | 'create' } | null;
}

export interface AppRow {
  name: string;
  /** Vendored repository folder under test/fixtures/public-repos. */
  repo: string;
  path: string;
  namespace: string;
  helm?: RenderOptions['helm'];
  /** `Kind/name` of every rendered object, sorted. */
  objects: string[];
  /** Expected aggregate health once synced (the emulator's rollout simulator makes workloads ready). */
  health: 'Healthy' | 'Progressing';
  mutations: Mutation[];
}

export async function render(row: Pick<AppRow, 'repo' | 'path' | 'namespace' | 'helm'>): Promise<SourcedObject[]> {
  const r = await renderApp({ root: FIXTURES + row.repo, path: row.path, namespace: row.namespace, helm: row.helm });
  return r.objects;
}

// Async on purpose: the emulator serves from this process, so a synchronous child would deadlock it.
export function kubectl(t: RoundTripCluster, args: string[], stdin?: string, env?: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(KUBECTL, ['--kubeconfig', t.kubeconfig, ...args], { stdio: ['pipe', 'pipe', 'pipe'], timeout: 30_000, env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (err += b));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`kubectl ${args.join(' ')} exited ${code}: ${err}`))));
    child.stdin.end(stdin ?? '');
  });
}

export const sync = (t: RoundTripCluster, app: string, namespace: string, desired: SourcedObject[]): Promise<SyncResult> =>
  syncApp({ cluster: t.cluster, app, namespace, desired, prune: true, dryRun: false, timeoutMs: 20_000 });

export const MODES = ['server', 'local'] as const;

export async function diffBoth(t: RoundTripCluster, app: string, namespace: string, desired: SourcedObject[]): Promise<Record<(typeof MODES)[number], DiffAppResult>> {
  const server = await diffApp({ cluster: t.cluster, app, namespace, desired, mode: 'server' });
  const local = await diffApp({ cluster: t.cluster, app, namespace, desired, mode: 'local' });
  return { server, local };
}

/** Action, `Kind/name` and patch paths of each modified resource (paths only for updates). */
export function modified(d: DiffAppResult): Array<{ id: string; action: string; paths: string[] }> {
  return d.resources.filter((r) => r.modified).map((r) => ({
    id: `${r.kind}/${r.name}`, action: r.action, paths: r.action === 'update' ? r.patch.map((p) => p.path).sort() : [],
  }));
}

export function assertInSync(d: DiffAppResult, label: string): void {
  assert.deepEqual(d.errors, [], `${label}: errors`);
  const m = d.resources.filter((r) => r.modified);
  assert.equal(m.length, 0, `${label}: spurious diff\n${m.map((r) => `${r.action} ${r.kind}/${r.name}\n${r.diff}`).join('\n')}`);
}
