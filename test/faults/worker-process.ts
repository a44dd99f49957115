// A real worker process (`workers/main.ts` under tsx, as `npm run worker` runs it) for fault tests that
// kill it: SIGKILL leaves its BullMQ job locked, its check runs and deployments open, its app lease held.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface WorkerChild {
  child: ChildProcess;
  /** stdout + stderr so far (pino JSON lines), for failure messages. */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnWorker(env: NodeJS.ProcessEnv): WorkerChild {
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = once(child, 'exit');
  return {
    child,
    output: () => out,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
