// Kubernetes API emulator: a real HTTP server on 127.0.0.1 that speaks enough of the Kubernetes REST
// protocol for kubectl and @kubernetes/client-node. See docs/emulators.md.
import { createServer, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { KubeObject } from '../../src/core/model/object.ts';
import { KubeApi } from './api.ts';
import { RolloutSimulator, type RolloutOptions } from './controllers.ts';
import { Counters, Faults } from './faults.ts';
import { handle, type ServerContext } from './server.ts';
import { seedCluster } from './seed.ts';
import { parseApiVersion, type ResourceDef } from './resources.ts';

export type { FaultRule, Verb } from './faults.ts';
export type { RolloutOptions } from './controllers.ts';
export { Counters, Faults } from './faults.ts';
export { canonicalQuantity } from './quantity.ts';
export { ApiError } from './status.ts';

export interface KubeEmulatorOptions {
  /** Port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  rollout?: RolloutOptions;
  /** Watch events kept for resuming watches; older resourceVersions get 410 Gone. Default 2000. */
  historyLimit?: number;
  /** Interval of BOOKMARK events on watches that allow them. Default 1000 ms. */
  bookmarkIntervalMs?: number;
  /** Run the simulated controllers (ReplicaSets, pods, status, default ServiceAccounts). Default true. */
  controllers?: boolean;
  /** Bearer token clients must send; random when absent. */
  token?: string;
}

export interface KubeEmulator {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly faults: Faults;
  readonly counters: Counters;
  /** Watch streams the server holds open right now. */
  openWatches(): number;
  /** Writes a kubeconfig (context `driftguard-dev`) and returns its path (a temp file when absent). */
  writeKubeconfig(path?: string): string;
  /** The kubeconfig YAML text. */
  kubeconfig(): string;
  /** The stored object, or undefined. `apiVersion` + `kind` name the resource. */
  getObject(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  /**
   * Out-of-band change, as if someone ran kubectl by hand: creates or updates the object through the
   * normal write path (defaults, validation, generation, managedFields under `manager`, default
   * `kubectl-edit`); throws the ApiError a client would get. With `raw: true` the object is stored
   * as-is instead (no defaulting, validation or managedFields), still with a watch event.
   */
  putObject(obj: KubeObject, opts?: { manager?: string; raw?: boolean }): KubeObject;
  /** Removes an object out of band (no finalizers, no garbage collection); emits DELETED. */
  deleteObject(apiVersion: string, kind: string, namespace: string | undefined, name: string): boolean;
  /** Objects of a kind (all namespaces when namespace is undefined). */
  listObjects(apiVersion: string, kind: string, namespace?: string): KubeObject[];
  /** Runs every pending rollout step now (readiness, deadlines), instead of waiting for its timer. */
  tick(): void;
  /** Resolves when queued controller work and background deletions (namespaces) are done. */
  settle(): Promise<void>;
  /** Current global resourceVersion. */
  resourceVersion(): number;
  close(): Promise<void>;
}

export async function startKubeEmulator(opts: KubeEmulatorOptions = {}): Promise<KubeEmulator> {
  const api = new KubeApi(() => new Date(), opts.historyLimit ?? 2000);
  const faults = new Faults();
  const counters = new Counters();
  const token = opts.token ?? randomBytes(24).toString('hex');
  const watches = new Set<ServerResponse>();
  let port = 0;
  const ctx: ServerContext = {
    api, faults, counters, token, watches,
    serverAddress: () => `127.0.0.1:${port}`,
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 1000,
    now: () => new Date(),
  };
  const sim = new RolloutSimulator(api, opts.rollout ?? {});
  if (opts.controllers !== false) api.onChange = (res, type, obj, old) => sim.observe(res, type, obj, old);
  seedCluster(api);

  const server: Server = createServer((req, res) => {
    handle(ctx, req, res).catch((e) => { if (!res.headersSent) res.writeHead(500).end(String(e)); else res.destroy(); });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
  const url = `http://127.0.0.1:${port}`;

  const resolveDef = (apiVersion: string, kind: string): ResourceDef => {
    const { group } = parseApiVersion(apiVersion);
    const def = api.registry.byKind(group, kind);
    if (!def) throw new Error(`no resource for ${apiVersion} ${kind}`);
    return def;
  };

  const kubeconfig = () => [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: driftguard-dev',
    '  cluster:',
    `    server: ${url}`,
    // Plain http: client-node only allows it with skip-TLS-verify set (kubectl ignores it for http).
    '    insecure-skip-tls-verify: true',
    'users:',
    '- name: driftguard-dev',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: driftguard-dev',
    '  context:',
    '    cluster: driftguard-dev',
    '    user: driftguard-dev',
    '    namespace: default',
    'current-context: driftguard-dev',
    'preferences: {}',
    '',
  ].join('\n');

  return {
    url, port, token, faults, counters,
    kubeconfig,
    writeKubeconfig(path?: string): string {
      const p = path ?? join(mkdtempSync(join(tmpdir(), 'driftguard-kube-')), 'kubeconfig');
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, kubeconfig(), { mode: 0o600 });
      return p;
    },
    getObject(apiVersion, kind, namespace, name) {
      const def = resolveDef(apiVersion, kind);
      const o = api.store.get(def, def.namespaced ? namespace ?? 'default' : '', name);
      return o ? api.present(def, o, parseApiVersion(apiVersion).version) : undefined;
    },
    putObject(obj, o = {}) {
      const def = resolveDef(obj.apiVersion, obj.kind);
      const body = structuredClone(obj);
      if (def.namespaced) body.metadata.namespace ??= 'default'; else delete body.metadata.namespace;
      if (o.raw) return api.putRaw(def, body);
      const ns = body.metadata.namespace ?? '';
      const version = parseApiVersion(obj.apiVersion).version;
      const manager = o.manager ?? 'kubectl-edit';
      const exists = api.store.get(def, ns, body.metadata.name ?? '');
      return exists
        ? api.update(def, ns, body.metadata.name!, body, { manager, version })
        : api.create(def, ns, body, { manager, version });
    },
    deleteObject(apiVersion, kind, namespace, name) {
      const def = resolveDef(apiVersion, kind);
      const o = api.store.get(def, def.namespaced ? namespace ?? 'default' : '', name);
      if (!o) return false;
      const gone = structuredClone(o);
      gone.metadata.resourceVersion = String(api.store.nextRv());
      api.store.remove(def, gone);
      return true;
    },
    listObjects(apiVersion, kind, namespace) {
      const def = resolveDef(apiVersion, kind);
      return api.store.list(def, namespace).map((o) => api.present(def, o, parseApiVersion(apiVersion).version));
    },
    openWatches: () => watches.size,
    tick: () => sim.tick(),
    settle: async () => { await sim.idle(); await api.idle(); await sim.idle(); },
    resourceVersion: () => api.store.currentRv,
    async close() {
      sim.stop();
      for (const w of watches) w.end();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await api.idle();
    },
  };
}
