// Runs a render tool (helm, kubectl kustomize) as a sandboxed child process: its own process group
// (so a timeout kills helpers too), capped output, and an environment with no credentials and no way
// to reach the network or a cluster.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DriftguardError } from '../core/errors.ts';
import { redactUrlCredentials } from '../core/redact-secrets.ts';
import type { SourceLocation } from '../core/model/object.ts';

export const DEFAULT_TIMEOUT_MS = 60_000;
/** Data-segment (heap) limit of a render tool; DRIFTGUARD_RENDER_MEMORY_MB overrides it (0 = none). */
export const DEFAULT_TOOL_MEMORY_BYTES = 1024 * 1024 * 1024;
export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
const MAX_STDERR_BYTES = 256 * 1024;
/** Port 9 (discard) on loopback: nothing listens there, so any proxied request fails at once. */
const DEAD_PROXY = 'http://127.0.0.1:9';

export interface RunToolOptions {
  cwd: string;
  timeoutMs?: number;
  maxOutputBytes?: number;
  /** Extra environment on top of the sandbox (e.g. nothing secret). */
  env?: Record<string, string>;
  /** Maps a file:line the tool printed in its error to a repo location. */
  locate?: (stderr: string) => SourceLocation | undefined;
  /** Label used in messages, e.g. `helm template` or `kubectl kustomize`. */
  label?: string;
  /** Heap limit of the tool (RLIMIT_DATA, which Go's allocator respects); 0 = none. */
  memoryBytes?: number;
}

export function toolMemoryBytes(env: NodeJS.ProcessEnv = process.env): number {
  const mb = env.DRIFTGUARD_RENDER_MEMORY_MB;
  if (mb === undefined || mb === '') return DEFAULT_TOOL_MEMORY_BYTES;
  const n = Number(mb);
  if (!Number.isFinite(n) || n < 0) throw new DriftguardError('USAGE', `DRIFTGUARD_RENDER_MEMORY_MB must be a number of MiB (0 = no limit), got ${JSON.stringify(mb)}`);
  return Math.round(n * 1024 * 1024);
}

/**
 * The command that runs `bin args` under resource limits: a POSIX sh sets the data-segment (heap)
 * limit and a CPU-time limit, then execs the tool (same pid, same process group). Without it a
 * hostile input (a kustomize alias bomb) took 11 GB and starved the whole worker host. The CPU
 * limit is twice the wall-clock timeout: a second bound, generous for a tool using both cores.
 */
export function limitedCommand(bin: string, args: string[], memoryBytes: number, timeoutMs: number): { cmd: string; argv: string[] } {
  const limits: string[] = [];
  if (memoryBytes > 0) limits.push(`ulimit -d ${Math.max(1, Math.floor(memoryBytes / 1024))}`);
  if (timeoutMs > 0) limits.push(`ulimit -t ${Math.max(1, Math.ceil((2 * timeoutMs) / 1000))}`);
  if (!limits.length) return { cmd: bin, argv: args };
  // `$0` is the tool: ulimit failing (an unsupported shell) stops the tool from running unbounded.
  return { cmd: '/bin/sh', argv: ['-c', `${limits.join(' && ')} && exec "$0" "$@"`, bin, ...args] };
}

/** Go's runtime message when an allocation fails under the limit (or the host is out of memory). */
const OUT_OF_MEMORY = /fatal error: (runtime: )?out of memory|runtime: out of memory|cannot allocate memory/i;

export interface RunToolResult {
  stdout: string;
  /** Warnings the tool printed while succeeding. */
  stderr: string;
}

/** The environment a render tool sees. Only harmless variables are inherited. */
export function sandboxEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    TMPDIR: home,
    LANG: 'C',
    LC_ALL: 'C',
    XDG_CACHE_HOME: join(home, 'cache'),
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_DATA_HOME: join(home, 'data'),
    HELM_CACHE_HOME: join(home, 'helm', 'cache'),
    HELM_CONFIG_HOME: join(home, 'helm', 'config'),
    HELM_DATA_HOME: join(home, 'helm', 'data'),
    HELM_PLUGINS: join(home, 'helm', 'plugins'),
    HELM_REGISTRY_CONFIG: join(home, 'helm', 'registry.json'),
    HELM_REPOSITORY_CONFIG: join(home, 'helm', 'repositories.yaml'),
    HELM_REPOSITORY_CACHE: join(home, 'helm', 'repository'),
    KUBECONFIG: '/dev/null',
    HTTP_PROXY: DEAD_PROXY,
    HTTPS_PROXY: DEAD_PROXY,
    ALL_PROXY: DEAD_PROXY,
    http_proxy: DEAD_PROXY,
    https_proxy: DEAD_PROXY,
    all_proxy: DEAD_PROXY,
    NO_PROXY: '',
    no_proxy: '',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ASKPASS: '/bin/false',
    SSH_ASKPASS: '/bin/false',
    GIT_SSH_COMMAND: '/bin/false',
  };
  if (process.env.TZ) env.TZ = process.env.TZ;
  return { ...env, ...extra };
}

/** One readable line out of a tool's stderr: drops `Error:` prefixes and helm's `--debug` hint. */
export function toolErrorMessage(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^Use --debug flag/i.test(l))
    .map((l) => l.replace(/^(Error|error):\s*/, ''));
  const text = lines.join(' ').replace(/\s+/g, ' ').trim();
  return text.length > 1500 ? `${text.slice(0, 1500)}…` : text;
}

export function runTool(bin: string, args: string[], opts: RunToolOptions): Promise<RunToolResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxOut = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const label = opts.label ?? bin;
  const home = mkdtempSync(join(tmpdir(), 'driftguard-tool-'));
  const cleanup = () => rmSync(home, { recursive: true, force: true });

  return new Promise<RunToolResult>((resolve, reject) => {
    let child;
    try {
      const memoryBytes = opts.memoryBytes ?? toolMemoryBytes();
      const { cmd, argv } = limitedCommand(bin, args, memoryBytes, timeoutMs);
      child = spawn(cmd, argv, {
        cwd: opts.cwd,
        env: sandboxEnv(home, opts.env),
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true, // own process group, killed as a whole
      });
    } catch (e) {
      cleanup();
      reject(new DriftguardError('RENDER_FAILED', `${label}: cannot start ${bin}: ${(e as Error).message}`, { cause: e }));
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let failure: DriftguardError | undefined;

    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      failure ??= new DriftguardError('RENDER_TIMEOUT', `${label} did not finish within ${Math.round(timeoutMs / 100) / 10}s`);
      killGroup();
    }, timeoutMs);

    child.stdout!.on('data', (b: Buffer) => {
      outBytes += b.length;
      if (outBytes > maxOut) {
        failure ??= new DriftguardError('RENDER_FAILED', `${label} output exceeds ${maxOut} bytes`);
        killGroup();
        return;
      }
      out.push(b);
    });
    child.stderr!.on('data', (b: Buffer) => {
      if (errBytes < MAX_STDERR_BYTES) err.push(b);
      errBytes += b.length;
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      failure ??= new DriftguardError(
        e.code === 'ENOENT' ? 'TOOL_MISSING' : 'RENDER_FAILED',
        `${label}: cannot run ${bin}: ${e.message}`,
        { cause: e },
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      killGroup(); // reap helpers the tool may have left behind
      cleanup();
      const stderr = Buffer.concat(err).toString('utf8');
      if (failure) return reject(failure);
      if (code !== 0 && OUT_OF_MEMORY.test(stderr)) {
        const mb = Math.round((opts.memoryBytes ?? toolMemoryBytes()) / 1024 / 1024);
        return reject(new DriftguardError('RENDER_LIMIT', `${label} ran out of memory (limit ${mb} MiB, DRIFTGUARD_RENDER_MEMORY_MB) and was stopped: an input expands too much (a YAML alias bomb?) or the render is very large`, { location: opts.locate?.('') }));
      }
      if (signal === 'SIGXCPU' || signal === 'SIGKILL') {
        return reject(new DriftguardError('RENDER_LIMIT', `${label} was killed (${signal}): it used up its CPU-time limit, or the host ran out of memory`, { location: opts.locate?.('') }));
      }
      if (code !== 0) {
        // A chart's `fail` or a tool error can print a DSN: its password never leaves this process.
        const msg = redactUrlCredentials(toolErrorMessage(stderr)) || `exited with ${signal ?? `code ${code}`}`;
        return reject(new DriftguardError('RENDER_FAILED', `${label} failed: ${msg}`, { location: opts.locate?.(stderr) }));
      }
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr });
    });
  });
}
