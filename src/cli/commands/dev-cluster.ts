// `driftguard dev-cluster`: runs the Kubernetes API emulator on 127.0.0.1, writes a kubeconfig for it
// (context `driftguard-dev`) and serves until Ctrl-C. For demos and trying Driftguard without a cluster.
// `--real` runs the real control plane instead (etcd, kube-apiserver, kube-controller-manager built from
// Go modules, see scripts/build-control-plane.js, and the stand-in kubelet).
import { copyFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DriftguardError } from '../../core/errors.ts';
// The emulator and the real control plane are imported when the command runs (a fast `driftguard --help`).
import type { KubeEmulator } from '../../../emulators/kube/index.ts';
import { EXIT, stringOpt, type CliIO, type Command } from '../command.ts';

export interface DevClusterOptions {
  port?: number;
  kubeconfig?: string;
  readyDelayMs?: number;
  failImage?: string;
  /** The real control plane instead of the emulator (built on first use). */
  real?: boolean;
}

/** Starts the emulator and prints how to use it; returns it so the caller decides when to close. */
function failImageRegex(failImage: string | undefined): RegExp | undefined {
  if (!failImage) return undefined;
  try { return new RegExp(failImage); } catch (e) {
    throw new DriftguardError('USAGE', `--fail-image is not a valid regular expression: ${(e as Error).message}`);
  }
}

function printUsage(io: CliIO, what: string, kubeconfig: string): void {
  io.stdout.write(`${what}\n`);
  io.stdout.write(`kubeconfig: ${kubeconfig} (context driftguard-dev)\n`);
  io.stdout.write(`export KUBECONFIG=${kubeconfig}\n`);
}

/** Starts the real control plane (building it first if needed, progress on stderr) and prints how to use it. */
export async function startRealDevCluster(opts: DevClusterOptions, io: CliIO): Promise<{ close(): Promise<void>; kubeconfig: string }> {
  const failImagePattern = failImageRegex(opts.failImage);
  const { startRealCluster } = await import('../../devtools/real-cluster.ts');
  const cluster = await startRealCluster({
    port: opts.port || undefined,
    progress: (line) => io.stderr.write(`${line}\n`),
    kubelet: { readyDelayMs: opts.readyDelayMs ?? 0, ...(failImagePattern ? { failImagePattern } : {}) },
  });
  let kubeconfig = cluster.kubeconfig;
  if (opts.kubeconfig) {
    kubeconfig = resolve(io.cwd, opts.kubeconfig);
    copyFileSync(cluster.kubeconfig, kubeconfig);
  }
  printUsage(io, `Kubernetes ${cluster.version} (etcd, kube-apiserver, kube-controller-manager, stand-in kubelet) listening on ${cluster.url}\nlogs: ${cluster.dir}/*.log`, kubeconfig);
  return { kubeconfig, close: () => cluster.close() };
}

export async function startDevCluster(opts: DevClusterOptions, io: CliIO): Promise<{ emulator: KubeEmulator; kubeconfig: string }> {
  const failImagePattern = failImageRegex(opts.failImage);
  const { startKubeEmulator } = await import('../../../emulators/kube/index.ts');
  let emulator: KubeEmulator;
  try {
    emulator = await startKubeEmulator({ port: opts.port ?? 0, rollout: { readyDelayMs: opts.readyDelayMs ?? 1000, failImagePattern } });
  } catch (e) {
    throw new DriftguardError('USAGE', `cannot listen on 127.0.0.1:${opts.port ?? 0}: ${(e as Error).message}`, { cause: e });
  }
  const kubeconfig = emulator.writeKubeconfig(opts.kubeconfig ? resolve(io.cwd, opts.kubeconfig) : undefined);
  printUsage(io, `Kubernetes API emulator listening on ${emulator.url}`, kubeconfig);
  return { emulator, kubeconfig };
}

function parseIntOpt(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new DriftguardError('USAGE', `--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

export const devClusterCommand: Command = {
  name: 'dev-cluster',
  summary: 'Run a local Kubernetes API emulator (or, with --real, a real control plane) and write a kubeconfig for it',
  usage: 'dev-cluster [--real] [--port <n>] [--kubeconfig <path>] [--ready-delay <ms>] [--fail-image <regex>]',
  options: {
    real: { type: 'boolean', description: 'run the real kube-apiserver, etcd and kube-controller-manager (built from Go modules on first use; needs Go 1.26)' },
    port: { type: 'string', valueName: 'n', description: 'port on 127.0.0.1 (default: a free port)' },
    kubeconfig: { type: 'string', valueName: 'path', description: 'where to write the kubeconfig (default: a new temp file)' },
    'ready-delay': { type: 'string', valueName: 'ms', default: '1000', description: 'time until simulated pods become ready' },
    'fail-image': { type: 'string', valueName: 'regex', description: 'images matching this never become ready' },
  },
  positionals: { min: 0, max: 0 },
  details: `
Serves the Kubernetes REST API on http://127.0.0.1 (discovery, CRUD, watch, server-side apply,
strategic/merge/JSON patch, defaulting, a rollout simulator) until Ctrl-C. Works with kubectl and
with driftguard diff/sync --context driftguard-dev.

With --real: etcd, kube-apiserver and kube-controller-manager v1.36.3 on 127.0.0.1 (TLS, client
certificates, RBAC) and a stand-in kubelet that runs pods without containers (images matching
--fail-image, default "broken", never start; images matching "crash" exit 1). The first run builds the
binaries from Go modules into ~/.cache/driftguard (DRIFTGUARD_CACHE_DIR), which takes minutes.

Example:
  driftguard dev-cluster --kubeconfig ./dev.kubeconfig &
  KUBECONFIG=./dev.kubeconfig kubectl apply --server-side -f examples/`,
  async run({ values, io }) {
    const opts: DevClusterOptions = {
      port: parseIntOpt(stringOpt(values, 'port'), 'port', 0, 65535),
      kubeconfig: stringOpt(values, 'kubeconfig'),
      readyDelayMs: parseIntOpt(stringOpt(values, 'ready-delay'), 'ready-delay', 0, 3_600_000),
      failImage: stringOpt(values, 'fail-image'),
      real: values.real === true,
    };
    const running = opts.real ? await startRealDevCluster(opts, io) : await startDevCluster(opts, io).then(({ emulator, kubeconfig }) => ({ kubeconfig, close: () => emulator.close() }));
    io.stdout.write('Press Ctrl-C to stop.\n');
    await new Promise<void>((done) => {
      const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); done(); };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await running.close();
    io.stdout.write('stopped\n');
    return EXIT.OK;
  },
};
