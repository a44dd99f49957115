// The checkout cache against the GitHub emulator (real tarballs over HTTP) and real worker processes:
// one download per SHA for concurrent jobs and for two processes, the size bound, a killed holder
// that blocks nobody for ever, a refused archive that stays refused, and no half-extracted tree.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGitHubEmulator, type GitHubEmulator } from '../../emulators/github/index.ts';
import { probotOctokitFactory, RepoClient } from '../../src/github/index.ts';
import { CheckoutCache } from '../../src/github/checkout-cache.ts';
import { DriftguardError } from '../../src/core/errors.ts';
import { startManagedProcess, type ManagedProcess } from '../../src/devtools/process-group.ts';
import { until } from '../workers/harness.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
let gh: GitHubEmulator;
let client: RepoClient;
let shaA: string;
let shaB: string;
let shaC: string;
const roots: string[] = [];
const children: ManagedProcess[] = [];

before(async () => {
  gh = await startGitHubEmulator({ appId: 1001 });
  await gh.addRepo({ owner: 'acme', name: 'gitops', files: { 'deploy/web/deployment.yaml': 'kind: Deployment\nmetadata: {name: web}\n', 'README.md': '# gitops\n' } });
  shaA = await gh.commit('acme', 'gitops', { branch: 'main', files: { 'deploy/web/big.yaml': `# ${'a'.repeat(4000)}\n` } });
  shaB = await gh.commit('acme', 'gitops', { branch: 'main', files: { 'deploy/web/big.yaml': `# ${'b'.repeat(4000)}\n` } });
  shaC = await gh.commit('acme', 'gitops', { branch: 'main', files: { 'deploy/web/big.yaml': `# ${'c'.repeat(4000)}\n` } });
  const factory = probotOctokitFactory({ APP_ID: '1001', PRIVATE_KEY: gh.privateKey, GHE_HOST: gh.host, GHE_PROTOCOL: 'http', LOG_LEVEL: 'fatal' });
  client = new RepoClient(await factory.forInstallation(gh.installationId('acme')), 'acme/gitops');
});
after(async () => {
  for (const c of children) await c.stop();
  await gh.close();
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const newRoot = () => {
  const r = mkdtempSync(join(tmpdir(), 'driftguard-cache-test-'));
  roots.push(r);
  return r;
};
const ls = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);
const tarballs = (sha: string) => gh.requests({ operationId: 'repos/download-tarball-archive' }).filter((r) => r.path.includes(sha)).length;
const download = (sha: string) => () => client.downloadTarball(sha);

/** Another worker process acquiring `sha` through a cache at `root`; see test/support/checkout-cache-child.ts. */
function child(name: string, root: string, signals: string, sha: string, mode: 'acquire' | 'hold', ttl = { lease: 60_000, lock: 2000 }): ManagedProcess {
  const p = startManagedProcess(name, process.execPath, ['--import', 'tsx', 'test/support/checkout-cache-child.ts'], {
    logFile: join(signals, `${name}.log`), cwd: repoRoot,
    env: {
      ...process.env, CC_ROOT: root, CC_SIGNAL_DIR: signals, CC_NAME: name, CC_SHA: sha, CC_MODE: mode, CC_REPO: 'acme/gitops',
      CC_LEASE_TTL_MS: String(ttl.lease), CC_LOCK_STALE_MS: String(ttl.lock),
      CC_APP_ID: '1001', CC_PRIVATE_KEY: gh.privateKey, CC_GHE_HOST: gh.host, CC_INSTALLATION: String(gh.installationId('acme')),
    },
  });
  children.push(p);
  return p;
}
const signalled = (dir: string, f: string, p?: ManagedProcess) => until(`${f}${p ? ` (${p.logTail(2000)})` : ''}`, () => existsSync(join(dir, f)) || (p?.exitStatus() !== undefined ? assert.fail(`${p.name} exited: ${p.logTail(2000)}`) : false));

test('concurrent jobs of one commit share one download and one tree', async () => {
  const cache = new CheckoutCache({ root: newRoot() });
  const before = tarballs(shaA);
  const cos = await Promise.all(Array.from({ length: 12 }, () => cache.acquire('acme/gitops', shaA, download(shaA))));
  assert.equal(tarballs(shaA) - before, 1, 'one tarball request for 12 jobs');
  assert.equal(new Set(cos.map((c) => c.dir)).size, 1);
  assert.match(readFileSync(join(cos[0].dir, 'deploy/web/big.yaml'), 'utf8'), /^# a+/);
  assert.equal(cos[0].extract.complete, true);
  for (const c of cos) await c.cleanup();
  // Released, not deleted: the next job of the commit needs no download either.
  const again = await cache.acquire('acme/gitops', shaA, download(shaA));
  assert.equal(tarballs(shaA) - before, 1);
  assert.ok(existsSync(join(again.dir, 'README.md')));
  await again.cleanup();
  // Another repository's tree at the same SHA is never served from this one's entry.
  await assert.rejects(cache.acquire('acme/other', shaA, () => Promise.reject(new Error('downloaded separately'))), /downloaded separately/);
  cache.close();
});

test('two worker processes: one downloads, the other waits for the lock and uses its tree', async () => {
  const root = newRoot();
  const signals = newRoot();
  const before = tarballs(shaB);
  const a = child('first', root, signals, shaB, 'acquire');
  const b = child('second', root, signals, shaB, 'acquire');
  // Whichever process gets the lock first downloads; hold it there until the other is waiting for the lock.
  await until('one process downloading', () => readdirSync(signals).find((f) => !f.startsWith('.') && f.endsWith('.downloading')));
  await signalled(signals, 'first.acquiring', a);
  await signalled(signals, 'second.acquiring', b);
  await new Promise((r) => setTimeout(r, 1500)); // let the other one reach the lock (without it, it would download too)
  writeFileSync(join(signals, 'go'), '');
  const [ra, rb] = await Promise.all([signalled(signals, 'first.json', a), signalled(signals, 'second.json', b)]).then(() => ['first', 'second'].map((n) => JSON.parse(readFileSync(join(signals, `${n}.json`), 'utf8')) as { dir: string; downloads: number; files: number }));
  assert.equal(tarballs(shaB) - before, 1, 'one tarball request for two processes');
  assert.equal(readdirSync(signals).filter((f) => !f.startsWith('.') && f.endsWith('.downloading')).length, 1);
  assert.equal(ra.dir, rb.dir);
  assert.deepEqual([ra.downloads, rb.downloads].sort(), [0, 1]);
  assert.ok(ra.files >= 3);
});

test('the size bound evicts the least recently used tree, never one a job holds', async () => {
  const cache = new CheckoutCache({ root: newRoot(), maxBytes: 6000 }); // room for one tree (~4 KB each)
  const a = await cache.acquire('acme/gitops', shaA, download(shaA));
  await a.cleanup();
  const b = await cache.acquire('acme/gitops', shaB, download(shaB)); // held
  await cache.evict(b.dir.split('/').at(-2));
  assert.equal(existsSync(a.dir), false, 'A, unused, is evicted');
  assert.ok(existsSync(b.dir));
  const c = await cache.acquire('acme/gitops', shaC, download(shaC));
  await cache.evict(c.dir.split('/').at(-2));
  assert.ok(existsSync(b.dir), 'B is leased: kept even above the bound');
  assert.match(readFileSync(join(b.dir, 'deploy/web/big.yaml'), 'utf8'), /^# b+/);
  await b.cleanup();
  await cache.evict(c.dir.split('/').at(-2));
  assert.equal(existsSync(b.dir), false, 'B, released, goes');
  assert.ok(existsSync(c.dir));
  await c.cleanup();
  cache.close();
});

test('a killed process blocks nobody: its stale lock is taken over, its half-done tree swept, its lease expires', async () => {
  const root = newRoot();
  const signals = newRoot();
  // Killed while downloading, holding the key's lock.
  const dying = child('dying', root, signals, shaC, 'acquire', { lease: 1000, lock: 2000 });
  await signalled(signals, 'dying.downloading', dying);
  await dying.stop();
  const cache = new CheckoutCache({ root, leaseTtlMs: 1000, lockStaleMs: 2000, maxBytes: 1 });
  const co = await cache.acquire('acme/gitops', shaC, download(shaC));
  assert.match(readFileSync(join(co.dir, 'deploy/web/big.yaml'), 'utf8'), /^# c+/);
  await co.cleanup();
  await cache.evict();
  assert.deepEqual(readdirSync(join(root, 'tmp')), [], 'the dead extraction is swept');

  // Killed while holding a lease: the tree stays while the holder lives, and is evictable once its lease expires.
  writeFileSync(join(signals, 'go'), '');
  const holder = child('holder', root, signals, shaB, 'hold', { lease: 1000, lock: 2000 });
  const got = await signalled(signals, 'holder.json', holder).then(() => JSON.parse(readFileSync(join(signals, 'holder.json'), 'utf8')) as { dir: string });
  await new Promise((r) => setTimeout(r, 1500)); // past one TTL: only the holder's refreshes keep it alive
  await cache.evict();
  assert.ok(existsSync(got.dir), 'a live holder keeps its tree');
  await holder.stop();
  await until('the dead holder\'s tree evicted', async () => {
    await cache.evict();
    return !existsSync(got.dir);
  });
  cache.close();
});

test('a refused archive stays refused, at its path, without another download; nothing is served', async () => {
  const sha = await gh.commit('acme', 'gitops', { branch: 'evil', from: 'main', files: { 'deploy/web/passwd.yaml': { symlink: '../../../../etc/passwd' } } });
  const root = newRoot();
  const cache = new CheckoutCache({ root });
  const first = await cache.acquire('acme/gitops', sha, download(sha)).then(() => assert.fail('served'), (e: unknown) => e);
  assert.ok(first instanceof DriftguardError && first.code === 'CHECKOUT_REFUSED', String(first));
  assert.equal(first.location?.file, 'deploy/web/passwd.yaml');
  const requests = tarballs(sha);
  // A second cache over the same directory (another worker process) refuses it the same way.
  const again = await new CheckoutCache({ root }).acquire('acme/gitops', sha, download(sha)).then(() => assert.fail('served'), (e: unknown) => e);
  assert.ok(again instanceof DriftguardError && again.code === 'CHECKOUT_REFUSED');
  assert.equal(again.location?.file, 'deploy/web/passwd.yaml');
  assert.equal(again.message, first.message);
  assert.equal(tarballs(sha), requests, 'no second download');
  assert.deepEqual(ls(join(root, 'entries')), []);
  assert.deepEqual(readdirSync(join(root, 'tmp')), []);
  cache.close();
});

test('a failed download leaves no entry; the next job downloads again', async () => {
  const root = newRoot();
  const cache = new CheckoutCache({ root });
  gh.injectFault({ operationId: 'repos/download-tarball-archive', status: 500, times: 20 });
  await assert.rejects(cache.acquire('acme/gitops', shaA, download(shaA)));
  gh.clearFaults();
  assert.deepEqual(ls(join(root, 'entries')), []);
  const co = await cache.acquire('acme/gitops', shaA, download(shaA));
  assert.equal(co.extract.complete, true);
  await co.cleanup();
  cache.close();
});
