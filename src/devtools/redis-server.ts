// Starts a private redis-server on a free port (tests, `npm run demo`), so callers can kill and restart it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  srv.close();
  await once(srv, 'close');
  return port;
}

export class RedisServer {
  private proc?: ChildProcess;
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
    const proc = spawn(bin, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, ...this.extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const onData = (b: Buffer) => {
        out += b.toString();
        if (out.includes('Ready to accept connections')) resolve();
      };
      proc.stdout!.on('data', onData);
      proc.on('error', (e: NodeJS.ErrnoException) =>
        reject(e.code === 'ENOENT' ? new Error('redis-server not found; install it with: apt-get install -y redis-server') : e),
      );
      proc.on('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
    });
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    p.kill('SIGKILL');
    await once(p, 'exit');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.startProcess();
  }
}
