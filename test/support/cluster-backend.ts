// Write a Kubernetes test once, run it on both backends: the emulator (in process, one per test, with
// faults and request counters) and the real control plane (kube-apiserver + etcd + controllers + the
// stand-in kubelet; one shared by the whole `npm test` run, tests isolated by unique namespaces).
//
//   forEachBackend((backend) => {
//     test(`[${backend.name}] ...`, async () => {
//       const t = await backend.start({ rollout: { readyDelayMs: 10 } });
//       try { const ns = await t.namespace('shop'); ... } finally { await t.close(); }
//     });
//   });
//
// The real backend connects to $DRIFTGUARD_REAL_KUBECONFIG (set by scripts/run-tests.js) or, when a file
// runs alone, starts its own control plane once per file (building it if needed). run-tests.js sets
// DRIFTGUARD_REAL_CLUSTER=off where Go is missing; only then are the real-backend tests not registered.
import { after } from 'node:test';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startKubeEmulator, type KubeEmulatorOptions } from '../../emulators/kube/index.ts';
import { Cluster, loadKubeConfig } from '../../src/kube/cluster.ts';
import { gvkOf } from '../../src/kube/discovery.ts';
import { startRealCluster, type RealCluster } from '../../src/devtools/real-cluster.ts';
import type { KubeObject } from '../../src/core/model/object.ts';

export type Emulator = Awaited<ReturnType<typeof startKubeEmulator>>;
export type BackendName = 'emulator' | 'real';

const KUBECTL = new URL('../../.tools/bin/kubectl', import.meta.url).pathname;
const run = promisify(execFile);

/** What a backend can do beyond the Kubernetes API; tests that need one run only where it is true. */
export interface BackendCapabilities {
  /** Injected HTTP faults (429, 5xx, dropped connections): `t.emu.faults`. Emulator only. */
  faults: boolean;
  /** Server-side request counters and direct store access (`t.emu`). Emulator only. */
  emulatorInternals: boolean;
  /** Real controllers (garbage collector, namespace finalization, ...) and a real etcd. */
  realControllers: boolean;
}

export interface BackendStartOptions {
  /**
   * Pod behaviour. The emulator takes these per test; the shared real cluster's stand-in kubelet has them
   * fixed: ready at once, images matching /broken/ never start, /crash/ exit 1 (asking for another
   * failImagePattern there throws).
   */
  rollout?: KubeEmulatorOptions['rollout'];
  /** Other emulator options (ignored by the real backend). */
  emulator?: Omit<KubeEmulatorOptions, 'rollout'>;
}

export interface TestCluster {
  backend: BackendName;
  caps: BackendCapabilities;
  /** The product's client, as the code under test uses it (short backoff caps keep retry tests quick). */
  cluster: Cluster;
  kubeconfig: string;
  context: string;
  /** Temp directory for this test (removed by close). */
  dir: string;
  /** The emulator, on the emulator backend only. */
  emu?: Emulator;
  /** The real control plane, on the real backend only. */
  real?: { url: string };
  /** A new namespace `<prefix>-<random>` (created unless `create: false`); deleted by close on the real backend. */
  namespace(prefix?: string, opts?: { create?: boolean }): Promise<string>;
  /** A name unique to this test, for cluster-scoped objects (CRD groups, ClusterRoles) on a shared cluster. */
  unique(prefix: string): string;
  /** Reads an object with a separate admin client (not counted in `writes`). */
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<KubeObject | undefined>;
  /** Creates or updates an object with a separate admin client, as another tool would (field manager `test-setup`). */
  put(obj: KubeObject): Promise<KubeObject>;
  /**
   * Resolves once the object is gone. A real server deletes asynchronously: a foreground delete (what
   * prune sends) leaves the object with a deletionTimestamp until the garbage collector has removed its
   * dependents and the finalizer; the emulator deletes at once. Rejects after `timeoutMs`.
   */
  waitGone(apiVersion: string, kind: string, namespace: string | undefined, name: string, timeoutMs?: number): Promise<void>;
  /** Deletes an object with the admin client (foreground propagation), true when it existed. */
  remove(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<boolean>;
  /** Runs the real kubectl against this cluster (async: the emulator runs in this process). */
  kubectl(...args: string[]): Promise<string>;
  /** Mutating requests (POST/PUT/PATCH/DELETE, dry-run included) `cluster` sent since the last `resetWrites`. */
  writes(): number;
  resetWrites(): void;
  close(): Promise<void>;
}

export interface ClusterBackend {
  name: BackendName;
  caps: BackendCapabilities;
  start(opts?: BackendStartOptions): Promise<TestCluster>;
}

const TEST_BACKOFF = { retries: 6, baseMs: 10, maxMs: 300 };
const REAL_FAIL_IMAGE = /broken/;

function suffix(): string {
  return randomBytes(3).toString('hex');
}

async function connect(
  backend: BackendName, caps: BackendCapabilities, kubeconfig: string, dir: string,
  extra: Pick<TestCluster, 'emu' | 'real'>, onClose: () => Promise<void>,
): Promise<TestCluster> {
  const kc = loadKubeConfig({ kubeconfig });
  const context = kc.getCurrentContext();
  const cluster = new Cluster(backend, kc, { backoff: TEST_BACKOFF });
  const admin = new Cluster(`${backend}-admin`, loadKubeConfig({ kubeconfig }), { backoff: TEST_BACKOFF });
  let writes = 0;
  cluster.http.onRequest = (method) => { if (method !== 'GET') writes++; };
  const namespaces: string[] = [];
  const t: TestCluster = {
    backend, caps, cluster, kubeconfig, context, dir, ...extra,
    unique: (prefix) => `${prefix}-${suffix()}`,
    async namespace(prefix = 'test', opts = {}) {
      const name = `${prefix}-${suffix()}`;
      if (opts.create !== false) await t.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      namespaces.push(name);
      return name;
    },
    get: (apiVersion, kind, namespace, name) => admin.resources.get(gvkOf(apiVersion, kind), namespace ?? '', name),
    async put(obj) {
      const { managedFields: _mf, resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, ...metadata } = obj.metadata as KubeObject['metadata'] & Record<string, unknown>;
      return await admin.resources.apply({ ...obj, metadata } as KubeObject, { fieldManager: 'test-setup', force: true });
    },
    async waitGone(apiVersion, kind, namespace, name, timeoutMs = 30_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const o = await t.get(apiVersion, kind, namespace, name);
        if (!o) return;
        if (Date.now() > end) throw new Error(`${kind} ${namespace ? `${namespace}/` : ''}${name} still exists after ${timeoutMs} ms (deletionTimestamp: ${o.metadata.deletionTimestamp ?? 'none'}, finalizers: ${JSON.stringify(o.metadata.finalizers ?? [])})`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    remove: (apiVersion, kind, namespace, name) => admin.resources.delete(gvkOf(apiVersion, kind), namespace ?? '', name, { propagationPolicy: 'Foreground' }),
    kubectl: async (...args) => (await run(KUBECTL, ['--kubeconfig', kubeconfig, ...args])).stdout,
    writes: () => writes,
    resetWrites: () => { writes = 0; },
    async close() {
      await cluster.close();
      if (backend === 'real') {
        // Namespaces go in the background (their finalization is the namespace controller's job).
        for (const n of namespaces) await t.remove('v1', 'Namespace', undefined, n).catch(() => undefined);
      }
      await admin.close();
      await onClose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}

export const emulatorBackend: ClusterBackend = {
  name: 'emulator',
  caps: { faults: true, emulatorInternals: true, realControllers: false },
  async start(opts = {}) {
    const emu = await startKubeEmulator({ ...opts.emulator, rollout: opts.rollout });
    const dir = mkdtempSync(join(tmpdir(), 'dg-emu-'));
    const kubeconfig = join(dir, 'kubeconfig');
    emu.writeKubeconfig(kubeconfig);
    return connect('emulator', this.caps, kubeconfig, dir, { emu }, () => emu.close());
  },
};

let ownCluster: Promise<RealCluster> | undefined;
// Registered at import (root level): a hook added inside a test would run when that test ends.
after(async () => { await (await ownCluster?.catch(() => undefined))?.close(); });

/** The shared cluster's kubeconfig, or this file's own control plane (started once, stopped after the file). */
async function realKubeconfig(): Promise<{ kubeconfig: string; url: string }> {
  const shared = process.env.DRIFTGUARD_REAL_KUBECONFIG;
  if (shared) return { kubeconfig: shared, url: loadKubeConfig({ kubeconfig: shared }).getCurrentCluster()!.server };
  if (!ownCluster) {
    ownCluster = startRealCluster({ progress: (l) => process.stderr.write(`${l}\n`) });
  }
  const c = await ownCluster;
  return { kubeconfig: c.kubeconfig, url: c.url };
}

export const realBackend: ClusterBackend = {
  name: 'real',
  caps: { faults: false, emulatorInternals: false, realControllers: true },
  async start(opts = {}) {
    const fail = opts.rollout?.failImagePattern;
    if (fail && fail.source !== REAL_FAIL_IMAGE.source) {
      throw new Error(`the real cluster's stand-in kubelet fails images matching ${REAL_FAIL_IMAGE}, not ${fail}: use an image name with "broken" in it`);
    }
    const { kubeconfig, url } = await realKubeconfig();
    const dir = mkdtempSync(join(tmpdir(), 'dg-real-'));
    return connect('real', this.caps, kubeconfig, dir, { real: { url } }, async () => undefined);
  },
};

/** Whether this run includes the real backend (false only where run-tests.js found no Go). */
export function realBackendEnabled(): boolean {
  return process.env.DRIFTGUARD_REAL_CLUSTER !== 'off';
}

/** The backends this run covers: the emulator always, the real control plane unless run-tests.js turned it off. */
export function backends(): ClusterBackend[] {
  return realBackendEnabled() ? [emulatorBackend, realBackend] : [emulatorBackend];
}

/** Registers the tests `define` declares once per backend (name them with `backend.name`). */
export function forEachBackend(define: (backend: ClusterBackend) => void): void {
  for (const b of backends()) define(b);
}
