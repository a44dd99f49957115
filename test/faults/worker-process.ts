// A real worker process (`workers/main.ts` under tsx, as `npm run worker` runs it) for fault tests that
// kill it: SIGKILL leaves its BullMQ job locked, its check runs and deployments open, its app lease held.
// A managed process: it never outlives the test file, even one the runner kills at its timeout.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startManagedProcess, type ManagedProcess } from '../../src/devtools/process-group.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface WorkerChild {
  process: ManagedProcess;
  /** The end of its stdout + stderr (pino JSON lines), for failure messages. */
  output(): string;
  /** SIGKILL, as a crash or an OOM kill would. */
  kill(): Promise<void>;
}

export function spawnWorker(env: NodeJS.ProcessEnv): WorkerChild {
  const dir = mkdtempSync(join(tmpdir(), 'driftguard-worker-'));
  const p = startManagedProcess('worker', process.execPath, ['--import', 'tsx', 'workers/main.ts'], { logFile: join(dir, 'worker.log'), env, cwd: repoRoot, removeWhenOrphaned: dir });
  return {
    process: p,
    output: () => p.logTail(),
    async kill() {
      await p.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
