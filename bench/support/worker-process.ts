// A real worker PROCESS for benches (compiled JavaScript, as `npm run worker` runs it) and its peak
// resident memory (the kernel's VmHWM), resettable between phases.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startManagedProcess, type ManagedProcess } from '../../src/devtools/process-group.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Peak resident memory of a process since the last reset (kernel's VmHWM), in MiB. */
export function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

/** Starts a new peak-RSS window (Linux: writing 5 to clear_refs resets VmHWM). */
export function resetPeakRss(pid: number): void {
  try { writeFileSync(`/proc/${pid}/clear_refs`, '5'); } catch { /* not Linux or not allowed: the peak is since start */ }
}

export function startWorkerProcess(env: NodeJS.ProcessEnv, dir: string): ManagedProcess {
  // The production worker runs compiled JavaScript (dist/): build it when stale, then start it directly so
  // its pid is the worker's own.
  execFileSync(process.execPath, ['scripts/build.js'], { cwd: ROOT, stdio: 'ignore' });
  return startManagedProcess('worker', process.execPath, ['dist/workers/main.js'], { logFile: join(dir, 'worker.log'), env, cwd: ROOT, removeWhenOrphaned: dir });
}
