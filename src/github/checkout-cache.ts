// One checkout per commit: the repository tree at a SHA, on the worker's disk, shared by every job of
// that commit and by every worker process using the same directory (a 500-app push downloads the
// tarball once, not 500 times).
//
// Layout under `root`:
//   entries/<key>/tree/        the extracted tree (what Checkout.dir points at)
//   entries/<key>/meta.json    what the extraction wrote (files, symlinks, bytes); its mtime is the last use
//   refused/<key>.json         a refused archive: refused again without a download (the SHA cannot change)
//   leases/<key>/<id>          one file per job using the tree; live while its mtime is fresh
//   locks/<key>.lock           the per-key lock (proper-lockfile: a killed holder's lock goes stale)
//   tmp/, trash/               extractions in progress; trees being deleted
//
// Safety: a tree is extracted into tmp/ by the faithful-or-refused extractor (tarball.ts) and renamed
// into entries/ in one step, so no job ever sees a half-extracted tree. Filling, leasing and evicting a
// key happen under its lock, so a tree is never evicted while a job holds a lease on it; a lease is
// refreshed while held and a crashed holder's lease expires, so it cannot pin a tree for ever.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import lockfile from 'proper-lockfile';
import { DriftguardError, type ErrorCode } from '../core/errors.ts';
import type { SourceLocation } from '../core/model/object.ts';
import type { Checkout } from './client.ts';
import { extractTarball, type ExtractResult } from './tarball.ts';

export const DEFAULT_CACHE_MAX_BYTES = 4 * 1024 * 1024 * 1024;

export interface CheckoutCacheOptions {
  /** The cache directory (created if missing). Processes sharing it share checkouts. */
  root: string;
  /** Bound on the trees kept (sum of their file sizes); least recently used unleased trees go first. */
  maxBytes?: number;
  /** A lease not refreshed for this long belongs to a dead job (default 60 s; refreshed every third of it). */
  leaseTtlMs?: number;
  /** A lock not refreshed for this long belongs to a dead process (default 10 s; proper-lockfile's minimum is 2 s). */
  lockStaleMs?: number;
  /** How long to wait for another process filling the same key (default 10 min). */
  lockWaitMs?: number;
  /** Called when the cache cannot stay within maxBytes (every tree is leased) or cleanup fails. */
  warn?: (msg: string, detail?: Record<string, unknown>) => void;
}

interface Meta {
  repo: string;
  sha: string;
  extract: ExtractResult;
}

interface Refusal {
  code: ErrorCode;
  message: string;
  location?: SourceLocation;
}

const SHA = /^[0-9a-f]{7,64}$/i;

export class CheckoutCache {
  readonly root: string;
  readonly maxBytes: number;
  private readonly leaseTtlMs: number;
  private readonly lockStaleMs: number;
  private readonly lockWaitMs: number;
  private readonly warn: NonNullable<CheckoutCacheOptions['warn']>;
  /** Leases this process holds (path → key), refreshed by one timer. */
  private readonly held = new Map<string, string>();
  private heartbeat: NodeJS.Timeout | undefined;
  /** Per-key queue inside this process, so jobs of one process wait in memory rather than poll the lock. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private evicting: Promise<void> = Promise.resolve();
  /** Downloads this cache made (for tests and logs: one per SHA is the point). */
  downloads = 0;

  constructor(opts: CheckoutCacheOptions) {
    this.root = opts.root;
    this.maxBytes = opts.maxBytes ?? DEFAULT_CACHE_MAX_BYTES;
    this.leaseTtlMs = opts.leaseTtlMs ?? 60_000;
    this.lockStaleMs = Math.max(2000, opts.lockStaleMs ?? 10_000);
    this.lockWaitMs = opts.lockWaitMs ?? 600_000;
    this.warn = opts.warn ?? (() => {});
  }

  /**
   * A lease on the tree of `repo` at `sha`, downloading it with `download` only when no process has it.
   * Throws the CHECKOUT_REFUSED error (at its path) when the archive is refused, now or before.
   * The returned Checkout's cleanup() ends the lease; the tree stays for the next job.
   */
  async acquire(repo: string, sha: string, download: () => Promise<Uint8Array>): Promise<Checkout> {
    if (!SHA.test(sha)) throw new DriftguardError('USAGE', `not a commit SHA: ${JSON.stringify(sha)}`);
    const key = `${sha.toLowerCase()}-${createHash('sha256').update(repo.toLowerCase()).digest('hex').slice(0, 12)}`;
    return this.serialized(key, () => this.withLock(key, () => this.leaseOrFill(key, repo, sha, download)));
  }

  /** Remove trees beyond maxBytes, least recently used first, never one with a live lease (one pass at a time per process). */
  evict(keep?: string): Promise<void> {
    const run = this.evicting.catch(() => {}).then(() => this.evictOnce(keep));
    this.evicting = run;
    return run;
  }

  private async evictOnce(keep?: string): Promise<void> {
    await this.sweepTmp();
    const entries: Array<{ key: string; bytes: number; used: number }> = [];
    for (const key of await listDir(join(this.root, 'entries'))) {
      try {
        const meta = join(this.root, 'entries', key, 'meta.json');
        const m = JSON.parse(await readFile(meta, 'utf8')) as Meta;
        entries.push({ key, bytes: m.extract.bytes ?? 0, used: (await stat(meta)).mtimeMs });
      } catch {
        // Being renamed away by another evictor, or not ours: skip.
      }
    }
    let total = entries.reduce((n, e) => n + e.bytes, 0);
    if (total <= this.maxBytes) return;
    entries.sort((a, b) => a.used - b.used);
    for (const e of entries) {
      if (total <= this.maxBytes) break;
      if (e.key === keep) continue;
      const removed = await this.withLock(e.key, async () => {
        if (await this.liveLeases(e.key)) return false;
        const dir = join(this.root, 'entries', e.key);
        if (!existsSync(dir)) return false;
        const trash = join(this.root, 'trash', `${e.key}.${randomUUID()}`);
        await mkdir(join(this.root, 'trash'), { recursive: true });
        await rename(dir, trash);
        return trash;
      }, 0).catch(() => false as const); // locked by a job filling or leasing it: in use, skip
      if (!removed) continue;
      total -= e.bytes;
      await rm(removed, { recursive: true, force: true }).catch((err) => this.warn('could not delete an evicted checkout', { dir: removed, err: String(err) }));
    }
    if (total > this.maxBytes) this.warn('checkout cache above its bound: every remaining tree is in use', { bytes: total, maxBytes: this.maxBytes });
  }

  /** Extractions a killed process left in tmp/: their key is not locked, so nobody is writing them. */
  private async sweepTmp(): Promise<void> {
    for (const name of await listDir(join(this.root, 'tmp'))) {
      const key = name.slice(0, name.lastIndexOf('.'));
      const locked = await lockfile.check(join(this.root, 'locks', key), { realpath: false, stale: this.lockStaleMs }).catch(() => true);
      if (!locked) await rm(join(this.root, 'tmp', name), { recursive: true, force: true }).catch(() => {});
    }
    // Trees an evictor renamed away but died before deleting.
    for (const name of await listDir(join(this.root, 'trash'))) await rm(join(this.root, 'trash', name), { recursive: true, force: true }).catch(() => {});
  }

  /** Stop refreshing leases (the process is shutting down; the leases expire on their own). */
  close(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private async leaseOrFill(key: string, repo: string, sha: string, download: () => Promise<Uint8Array>): Promise<Checkout> {
    const entry = join(this.root, 'entries', key);
    const refusedFile = join(this.root, 'refused', `${key}.json`);
    if (existsSync(refusedFile)) throw refusalError(JSON.parse(await readFile(refusedFile, 'utf8')) as Refusal);
    let filled = false;
    if (!existsSync(join(entry, 'meta.json'))) {
      await this.fill(entry, refusedFile, { repo, sha }, download);
      filled = true;
    }
    const meta = JSON.parse(await readFile(join(entry, 'meta.json'), 'utf8')) as Meta;
    const now = new Date();
    await utimes(join(entry, 'meta.json'), now, now); // last use, for the LRU
    const lease = await this.lease(key);
    if (filled) {
      // A new tree may push the cache over its bound; the tree just leased is not a candidate anyway.
      void this.evict(key).catch((err) => this.warn('checkout cache eviction failed', { err: String(err) }));
    }
    return { dir: join(entry, 'tree'), sha, extract: meta.extract, cleanup: () => this.release(lease) };
  }

  private async fill(entry: string, refusedFile: string, id: { repo: string; sha: string }, download: () => Promise<Uint8Array>): Promise<void> {
    const tmp = join(this.root, 'tmp', `${basename(entry)}.${randomUUID()}`);
    await mkdir(tmp, { recursive: true });
    try {
      this.downloads++;
      const bytes = await download();
      let extract: ExtractResult;
      try {
        extract = await extractTarball(bytes, join(tmp, 'tree'));
      } catch (e) {
        // Faithful or refused, for good: the archive of a SHA never changes, so neither does the refusal.
        if (e instanceof DriftguardError && e.code === 'CHECKOUT_REFUSED') {
          const r: Refusal = { code: e.code, message: e.message, ...(e.location ? { location: e.location } : {}) };
          await mkdir(join(this.root, 'refused'), { recursive: true });
          await writeAtomic(refusedFile, JSON.stringify(r));
        }
        throw e;
      }
      await writeFile(join(tmp, 'meta.json'), JSON.stringify({ ...id, extract } satisfies Meta));
      await mkdir(join(this.root, 'entries'), { recursive: true });
      // The only way a tree enters entries/: complete, in one step.
      await rename(tmp, entry);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  private async lease(key: string): Promise<string> {
    const dir = join(this.root, 'leases', key);
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${process.pid}-${randomUUID()}`);
    await writeFile(file, '');
    this.held.set(file, key);
    if (!this.heartbeat) {
      this.heartbeat = setInterval(() => void this.refresh(), Math.max(500, Math.floor(this.leaseTtlMs / 3)));
      this.heartbeat.unref();
    }
    return file;
  }

  private async refresh(): Promise<void> {
    const now = new Date();
    for (const file of this.held.keys()) await utimes(file, now, now).catch(() => {});
  }

  private async release(file: string): Promise<void> {
    if (!this.held.delete(file)) return;
    await rm(file, { force: true });
    if (this.held.size === 0) this.close();
  }

  /** Leases on `key` refreshed within the TTL; expired ones (a crashed job's) are removed. */
  private async liveLeases(key: string): Promise<number> {
    const dir = join(this.root, 'leases', key);
    let live = 0;
    for (const name of await listDir(dir)) {
      const f = join(dir, name);
      const s = await stat(f).catch(() => undefined);
      if (!s) continue;
      if (Date.now() - s.mtimeMs < this.leaseTtlMs) live++;
      else await rm(f, { force: true });
    }
    return live;
  }

  private async withLock<T>(key: string, fn: () => Promise<T>, waitMs = this.lockWaitMs): Promise<T> {
    await mkdir(join(this.root, 'locks'), { recursive: true });
    // proper-lockfile keys its in-process state by this path (a file that need not exist): one per key.
    const target = join(this.root, 'locks', key);
    const deadline = Date.now() + waitMs;
    let compromised: Error | undefined;
    let unlock: () => Promise<void>;
    for (;;) {
      try {
        unlock = await lockfile.lock(target, { realpath: false, stale: this.lockStaleMs, onCompromised: (e) => { compromised = e; } });
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ELOCKED' || Date.now() >= deadline) throw e;
        await sleep(25 + Math.random() * 100);
      }
    }
    try {
      return await fn();
    } finally {
      if (compromised) this.warn('checkout cache lock was taken over while held', { key, err: compromised.message });
      else await unlock().catch(() => {});
    }
  }

  private async serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(key) ?? Promise.resolve();
    const run = prev.catch(() => {}).then(fn);
    this.queues.set(key, run);
    try {
      return await run;
    } finally {
      if (this.queues.get(key) === run) this.queues.delete(key);
    }
  }
}

/**
 * The worker's cache from the environment: DRIFTGUARD_CHECKOUT_CACHE (directory, `off` for a private
 * download per job; default <DRIFTGUARD_WORKDIR or the OS temp dir>/driftguard-checkouts) and
 * DRIFTGUARD_CHECKOUT_CACHE_MB (bound, default 4096).
 */
export function checkoutCacheFromEnv(env: NodeJS.ProcessEnv, warn?: CheckoutCacheOptions['warn']): CheckoutCache | undefined {
  const dir = env.DRIFTGUARD_CHECKOUT_CACHE;
  if (dir === 'off') return undefined;
  const raw = env.DRIFTGUARD_CHECKOUT_CACHE_MB;
  const mb = raw === undefined || raw === '' ? DEFAULT_CACHE_MAX_BYTES / (1024 * 1024) : Number(raw);
  if (!Number.isInteger(mb) || mb < 1) throw new DriftguardError('CONFIG_INVALID', `DRIFTGUARD_CHECKOUT_CACHE_MB must be a positive integer (MiB), got "${raw}"`);
  const root = dir || join(env.DRIFTGUARD_WORKDIR || tmpdir(), 'driftguard-checkouts');
  return new CheckoutCache({ root, maxBytes: mb * 1024 * 1024, ...(warn ? { warn } : {}) });
}

function refusalError(r: Refusal): DriftguardError {
  return new DriftguardError(r.code, r.message, r.location ? { location: r.location } : {});
}

async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.${randomUUID()}`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}
