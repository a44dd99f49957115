// Starts a private redis-server on a free port (tests, `npm run demo`), so callers can kill and restart it.
// It is a managed process (process-group.ts): it dies with us however we die — a test file killed by the
// runner's timeout leaves no redis-server behind.
import { createServer } from 'node:net';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startManagedProcess, type ManagedProcess } from './process-group.ts';

export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  srv.close();
  await once(srv, 'close');
  return port;
}

/** The setup Driftguard requires in production (AOF, no eviction): the demo and benches run with it too. */
export const DURABLE_REDIS_ARGS = ['--appendonly', 'yes', '--maxmemory-policy', 'noeviction'];

export class RedisServer {
  private proc?: ManagedProcess;
  private starts = 0;
  readonly dir = mkdtempSync(join(tmpdir(), 'driftguard-redis-'));
  /** `extraArgs` come after the defaults (no persistence, for speed) and override them, e.g. `--appendonly yes`. */
  constructor(readonly port: number, readonly extraArgs: string[] = []) {}

  static async start(opts: { args?: string[] } = {}): Promise<RedisServer> {
    const r = new RedisServer(await freePort(), opts.args);
    await r.startProcess();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async startProcess(): Promise<void> {
    const bin = process.env.REDIS_SERVER_BIN ?? 'redis-server';
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, ...this.extraArgs];
    let proc: ManagedProcess;
    try {
      proc = startManagedProcess('redis-server', bin, args, { logFile: join(this.dir, `redis-${++this.starts}.log`), removeWhenOrphaned: this.dir });
    } catch {
      throw new Error(`cannot start ${bin}; install it with: apt-get install -y redis-server`);
    }
    this.proc = proc;
    // The log is a file (a pipe would tie redis to our event loop): read it until redis is ready or gone.
    for (;;) {
      const log = proc.logTail(Infinity);
      if (log.includes('Ready to accept connections')) return;
      const status = proc.exitStatus();
      if (status !== undefined) throw new Error(`redis-server exited (${status}): ${log.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.startProcess();
  }
}
