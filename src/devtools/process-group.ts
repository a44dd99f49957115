// Child processes that never outlive us: each runs in its own process group (killed as a group, so
// anything it forks goes too), is SIGKILLed from an 'exit' handler when this process exits normally or
// on an uncaught exception, and is watched by a tiny detached `sh` watchdog that kills the group when
// this process dies without running any JavaScript (SIGKILL, a default-action SIGTERM, a crashed
// test runner).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { once } from 'node:events';

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** stdout+stderr go here. */
  readonly logFile: string;
  /** Exit code or signal once it has exited, else undefined. */
  exitStatus(): string | undefined;
  /** Last `chars` characters of its log (for error messages). */
  logTail(chars?: number): string;
  /** Kills the process group (SIGKILL: everything it writes is throwaway) and waits for the exit. */
  stop(): Promise<void>;
}

const live = new Set<{ pid: number }>();
let exitHookInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try { process.kill(-pid, signal); } catch { /* already gone */ }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: process.kill is. The watchdogs stay to remove the directories.
  process.on('exit', () => {
    for (const p of live) killGroup(p.pid, 'SIGKILL');
  });
}

// Polls once a second while both we and the child live; when we are gone, kills the child's group.
// With $3, also removes that directory then (the process's throwaway data).
const WATCHDOG = 'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done; kill -0 "$1" 2>/dev/null && exit 0; kill -9 -"$2" 2>/dev/null; [ -n "$3" ] && sleep 1 && rm -rf "$3"';

export interface ManagedProcessOptions {
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** A directory the watchdog removes after killing the process when we died without cleaning up. */
  removeWhenOrphaned?: string;
}

export function startManagedProcess(name: string, bin: string, args: string[], opts: ManagedProcessOptions): ManagedProcess {
  installExitHook();
  const fd = openSync(opts.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(bin, args, { detached: true, stdio: ['ignore', fd, fd], env: opts.env ?? process.env, cwd: opts.cwd });
  } finally {
    closeSync(fd);
  }
  if (child.pid === undefined) throw new Error(`cannot start ${name} (${bin})`);
  const pid = child.pid;
  const watchdog = spawn('sh', ['-c', WATCHDOG, 'driftguard-watchdog', String(process.pid), String(pid), opts.removeWhenOrphaned ?? ''], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  const entry = { pid };
  live.add(entry);
  let status: string | undefined;
  const exited = once(child, 'exit').then(([code, signal]) => {
    status = signal ? `signal ${signal}` : `exit ${code}`;
    live.delete(entry);
  });
  child.unref();
  return {
    name, pid, logFile: opts.logFile,
    exitStatus: () => status,
    logTail(chars = 3000) {
      try { return readFileSync(opts.logFile, 'utf8').slice(-chars); } catch { return ''; }
    },
    async stop() {
      if (watchdog.pid) killGroup(watchdog.pid, 'SIGKILL');
      // Unref'd so a forgotten cluster never holds the event loop open; ref'd while we wait for the exit.
      child.ref();
      if (status === undefined) killGroup(pid, 'SIGKILL');
      await exited;
    },
  };
}
