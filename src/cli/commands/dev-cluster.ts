// `driftguard dev-cluster`: runs the Kubernetes API emulator on 127.0.0.1, writes a kubeconfig for it
// (context `driftguard-dev`) and serves until Ctrl-C. For demos and trying Driftguard without a cluster.
import { resolve } from 'node:path';
import { DriftguardError } from '../../core/errors.ts';
import { startKubeEmulator, type KubeEmulator } from '../../../emulators/kube/index.ts';
import { EXIT, stringOpt, type CliIO, type Command } from '../command.ts';

export interface DevClusterOptions {
  port?: number;
  kubeconfig?: string;
  readyDelayMs?: number;
  failImage?: string;
}

/** Starts the emulator and prints how to use it; returns it so the caller decides when to close. */
export async function startDevCluster(opts: DevClusterOptions, io: CliIO): Promise<{ emulator: KubeEmulator; kubeconfig: string }> {
  let failImagePattern: RegExp | undefined;
  if (opts.failImage) {
    try { failImagePattern = new RegExp(opts.failImage); } catch (e) {
      throw new DriftguardError('USAGE', `--fail-image is not a valid regular expression: ${(e as Error).message}`);
    }
  }
  let emulator: KubeEmulator;
  try {
    emulator = await startKubeEmulator({ port: opts.port ?? 0, rollout: { readyDelayMs: opts.readyDelayMs ?? 1000, failImagePattern } });
  } catch (e) {
    throw new DriftguardError('USAGE', `cannot listen on 127.0.0.1:${opts.port ?? 0}: ${(e as Error).message}`, { cause: e });
  }
  const kubeconfig = emulator.writeKubeconfig(opts.kubeconfig ? resolve(io.cwd, opts.kubeconfig) : undefined);
  io.stdout.write(`Kubernetes API emulator listening on ${emulator.url}\n`);
  io.stdout.write(`kubeconfig: ${kubeconfig} (context driftguard-dev)\n`);
  io.stdout.write(`export KUBECONFIG=${kubeconfig}\n`);
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
  summary: 'Run a local Kubernetes API emulator and write a kubeconfig for it',
  usage: 'dev-cluster [--port <n>] [--kubeconfig <path>] [--ready-delay <ms>] [--fail-image <regex>]',
  options: {
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

Example:
  driftguard dev-cluster --kubeconfig ./dev.kubeconfig &
  KUBECONFIG=./dev.kubeconfig kubectl apply --server-side -f examples/`,
  async run({ values, io }) {
    const opts: DevClusterOptions = {
      port: parseIntOpt(stringOpt(values, 'port'), 'port', 0, 65535),
      kubeconfig: stringOpt(values, 'kubeconfig'),
      readyDelayMs: parseIntOpt(stringOpt(values, 'ready-delay'), 'ready-delay', 0, 3_600_000),
      failImage: stringOpt(values, 'fail-image'),
    };
    const { emulator } = await startDevCluster(opts, io);
    io.stdout.write('Press Ctrl-C to stop.\n');
    await new Promise<void>((done) => {
      const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); done(); };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await emulator.close();
    io.stdout.write('stopped\n');
    return EXIT.OK;
  },
};
