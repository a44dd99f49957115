// Parent side of bench/support/emulator-process.ts: start the emulator in a child process, talk to it.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { KubeEmulatorOptions } from '../../emulators/kube/index.ts';

export interface RemoteEmulator {
  kubeconfig: string;
  latency(ms: number): Promise<void>;
  clearFaults(): Promise<void>;
  resetCounters(): Promise<void>;
  /** Requests per verb (and `verb resource`), as Counters.snapshot() in the child. */
  counters(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function startRemoteEmulator(opts: KubeEmulatorOptions, kubeconfigPath: string): Promise<RemoteEmulator> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./emulator-process.ts', import.meta.url)), [JSON.stringify(opts), kubeconfigPath], {
    execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (r: unknown) => void>();
  let nextId = 1;
  const kubeconfig = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`emulator process exited with ${code}`)));
    child.on('message', (m: { ready?: string; id?: number; result?: unknown }) => {
      if (m.ready) resolve(m.ready);
      else if (m.id !== undefined) { pending.get(m.id)?.(m.result); pending.delete(m.id); }
    });
  });
  child.removeAllListeners('exit');
  const call = (msg: Record<string, unknown>) => new Promise<unknown>((resolve) => {
    const id = nextId++;
    pending.set(id, resolve);
    child.send({ ...msg, id });
  });
  return {
    kubeconfig,
    latency: async (ms) => void (await call({ op: 'latency', ms })),
    clearFaults: async () => void (await call({ op: 'clearFaults' })),
    resetCounters: async () => void (await call({ op: 'reset' })),
    counters: async () => (await call({ op: 'counters' })) as Record<string, number>,
    close: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.disconnect();
    }),
  };
}
