// Runs a render tool (helm, kubectl kustomize) as a sandboxed child process: its own process group
// (so a timeout kills helpers too), capped output, and an environment with no credentials and no way
// to reach the network or a cluster.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DriftguardError } from '../core/errors.ts';
import type { SourceLocation } from '../core/model/object.ts';

export const DEFAULT_TIMEOUT_MS = 60_000;
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
}

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
      child = spawn(bin, args, {
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
      if (code !== 0) {
        const msg = toolErrorMessage(stderr) || `exited with ${signal ?? `code ${code}`}`;
        return reject(new DriftguardError('RENDER_FAILED', `${label} failed: ${msg}`, { location: opts.locate?.(stderr) }));
      }
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr });
    });
  });
}
