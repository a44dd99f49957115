// A real Kubernetes control plane on loopback, started the way envtest starts one: etcd, kube-apiserver
// (client-cert auth with a throwaway CA, RBAC, a service-account signing key) and kube-controller-manager
// with the workload controllers, plus the stand-in kubelet (no container runtime) so pods run and
// rollouts finish. Everything lives in one temp directory and dies with `close()` or with this process.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { DriftguardError } from '../core/errors.ts';
import { KubeHttp } from '../kube/http.ts';
import { createClusterPki, kubeconfigYaml } from './cluster-pki.ts';
import { controlPlaneBinaries } from './control-plane-binaries.ts';
import { startManagedProcess, type ManagedProcess } from './process-group.ts';
import { freePort } from './redis-server.ts';
import { StandInKubelet, type StandInKubeletOptions } from './stand-in-kubelet.ts';

/** kube-controller-manager controllers: what workloads, rollouts, namespaces and health need. */
export const REAL_CLUSTER_CONTROLLERS = [
  'namespace-controller', 'garbage-collector-controller', 'deployment-controller', 'replicaset-controller',
  'statefulset-controller', 'daemonset-controller', 'job-controller', 'cronjob-controller',
  'ttl-after-finished-controller', 'serviceaccount-controller', 'serviceaccount-token-controller',
  'endpoints-controller', 'endpointslice-controller', 'endpointslice-mirroring-controller',
  'replicationcontroller-controller', 'disruption-controller', 'resourcequota-controller',
  'pod-garbage-collector-controller', 'root-ca-certificate-publisher-controller', 'clusterrole-aggregation-controller',
];

export interface RealClusterOptions {
  /** Directory with etcd, kube-apiserver, kube-controller-manager (default: built/cached, see control-plane-binaries.ts). */
  binDir?: string;
  /** Build the binaries when missing (default true; progress goes to `progress`). */
  build?: boolean;
  progress?: (line: string) => void;
  /** kube-apiserver's port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** kubeconfig context/cluster/user name (default `driftguard-dev`, as the emulator's). */
  context?: string;
  /** Stand-in kubelet options, or false for no kubelet (pods then stay Pending, as with envtest). */
  kubelet?: StandInKubeletOptions | false;
  /** Extra kube-apiserver flags (`--name=value`). */
  apiserverArgs?: string[];
  /** Give up when the control plane is not ready within this time (default 120 s: 2 shared cores). */
  startTimeoutMs?: number;
}

export interface RealCluster {
  /** https://127.0.0.1:<port> */
  url: string;
  /** Path of a self-contained kubeconfig (admin, system:masters). */
  kubeconfig: string;
  context: string;
  /** Temp directory: certs, etcd data, one log file per process (etcd.log, kube-apiserver.log, ...). */
  dir: string;
  /** kube-apiserver's /version gitVersion, e.g. v1.36.3. */
  version: string;
  kubelet?: StandInKubelet;
  processes: ManagedProcess[];
  close(): Promise<void>;
}

async function waitFor(what: string, proc: ManagedProcess | undefined, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (proc?.exitStatus()) throw new DriftguardError('TOOL_FAILED', `${proc.name} exited (${proc.exitStatus()}) before ${what}:\n${proc.logTail()}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > end) throw new DriftguardError('TIMEOUT', `timed out after ${timeoutMs} ms waiting for ${what}${proc ? `; ${proc.name} log tail:\n${proc.logTail()}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startRealCluster(opts: RealClusterOptions = {}): Promise<RealCluster> {
  const context = opts.context ?? 'driftguard-dev';
  const timeoutMs = opts.startTimeoutMs ?? 120_000;
  const binDir = opts.binDir ?? await controlPlaneBinaries({ build: opts.build, progress: opts.progress });
  const dir = mkdtempSync(join(tmpdir(), 'driftguard-real-cluster-'));
  const processes: ManagedProcess[] = [];
  let kubelet: StandInKubelet | undefined;
  let http: KubeHttp | undefined;
  const close = async () => {
    await kubelet?.stop().catch(() => undefined);
    await http?.close();
    for (const p of [...processes].reverse()) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const pki = await createClusterPki(dir);
    const start = (name: string, args: string[]) => {
      const p = startManagedProcess(name, join(binDir, name), args, { logFile: join(dir, `${name}.log`), removeWhenOrphaned: name === 'etcd' ? dir : undefined });
      processes.push(p);
      return p;
    };

    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), opts.port ?? await freePort()];
    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const etcd = start('etcd', [
      '--name=default', `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
      // Throwaway data: no fsync (a shared CI disk otherwise dominates every write), small quota.
      '--unsafe-no-fsync', '--quota-backend-bytes=2147483648', '--log-level=warn',
    ]);
    await waitFor('etcd to be healthy', etcd, timeoutMs, async () => {
      const r = await fetch(`${etcdUrl}/health`);
      return r.ok && ((await r.json()) as { health?: string }).health === 'true';
    });

    const url = `https://127.0.0.1:${apiPort}`;
    const apiserver = start('kube-apiserver', [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, 'apiserver-certs')}`,
      `--tls-cert-file=${pki.serving.certFile}`, `--tls-private-key-file=${pki.serving.keyFile}`,
      `--client-ca-file=${pki.ca.certFile}`,
      `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
      `--service-account-key-file=${pki.serviceAccount.publicKeyFile}`,
      `--service-account-signing-key-file=${pki.serviceAccount.keyFile}`,
      '--authorization-mode=RBAC',
      '--service-cluster-ip-range=10.96.0.0/16',
      '--allow-privileged=true',
      '--v=0',
      ...(opts.apiserverArgs ?? []),
    ]);
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kubeconfigYaml(url, pki.ca, pki.admin, context), { mode: 0o600 });
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    http = new KubeHttp(kc, { retries: 0, baseMs: 100, maxMs: 1000 }, 5_000);
    const client = http;
    await waitFor('kube-apiserver to be ready (/readyz)', apiserver, timeoutMs, async () => {
      const r = await client.fetchOnce('GET', '/readyz');
      await r.body.text();
      return r.status === 200;
    });
    const version = (await client.request<{ gitVersion: string }>('GET', '/version')).gitVersion;

    const kcmConfig = join(dir, 'controller-manager.kubeconfig');
    writeFileSync(kcmConfig, kubeconfigYaml(url, pki.ca, pki.controllerManager, 'kcm'), { mode: 0o600 });
    mkdirSync(join(dir, 'kcm-certs'));
    const kcm = start('kube-controller-manager', [
      `--kubeconfig=${kcmConfig}`,
      `--controllers=${REAL_CLUSTER_CONTROLLERS.join(',')}`,
      '--leader-elect=false',
      '--secure-port=0',
      `--cert-dir=${join(dir, 'kcm-certs')}`,
      `--service-account-private-key-file=${pki.serviceAccount.keyFile}`,
      `--root-ca-file=${pki.ca.certFile}`,
      '--use-service-account-credentials=false',
      // Test-sized resync and GC: no minute-long waits for a controller's periodic pass.
      '--concurrent-gc-syncs=5', '--v=0',
    ]);
    // The serviceaccount controller creating `default` in `default` shows the controllers are running.
    await waitFor('kube-controller-manager to run its controllers', kcm, timeoutMs, async () => {
      const r = await client.fetchOnce('GET', '/api/v1/namespaces/default/serviceaccounts/default');
      await r.body.text();
      return r.status === 200;
    });

    if (opts.kubelet !== false) kubelet = await StandInKubelet.start(new KubeHttp(kc), opts.kubelet ?? {});
    return { url, kubeconfig, context, dir, version, kubelet, processes, close };
  } catch (e) {
    await close();
    throw e;
  }
}
