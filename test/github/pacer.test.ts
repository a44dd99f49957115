// The GitHub pacer against the emulator enforcing GitHub's limits (test-scaled windows) and a real
// Redis shared by two pacers standing for two worker processes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { Redis } from 'ioredis';
import { startGitHubEmulator, type GitHubEmulator } from '../../emulators/github/index.ts';
import { GitHubPacer, probotOctokitFactory, RepoClient, type GitHubLimits } from '../../src/github/index.ts';
import { isDriftguardError } from '../../src/core/errors.ts';
import { createRedis } from '../../src/store/redis.ts';
import { RedisServer } from '../support/redis.ts';

const APP_ID = 3131;
const silent = pino({ level: 'silent' });

describe('GitHub pacer', () => {
  let redis: RedisServer;
  const clients: Redis[] = [];
  before(async () => {
    redis = await RedisServer.start();
  });
  after(async () => {
    for (const c of clients) c.disconnect();
    await redis.stop();
  });

  /** An emulator with one repo, and `processes` paced clients sharing Redis (each its own pacer and octokit factory). */
  async function setup(emu: Partial<Parameters<typeof startGitHubEmulator>[0]>, limits: GitHubLimits, processes = 1, prefix = `t${Math.random()}`) {
    const em = await startGitHubEmulator({ appId: APP_ID, ...emu });
    await em.addRepo({ owner: 'acme', name: 'gitops', files: { 'README.md': '# x\n' } });
    const sha = (await em.state.repos.values().next().value)!.defaultBranch;
    const head = await em.commit('acme', 'gitops', { message: 'x', files: { 'a.txt': 'a\n' } });
    const inst = em.installationId('acme');
    const repos: RepoClient[] = [];
    for (let i = 0; i < processes; i++) {
      const r = createRedis(redis.url);
      clients.push(r);
      const pacer = new GitHubPacer(r, limits, silent, prefix);
      const factory = probotOctokitFactory({ APP_ID: String(APP_ID), PRIVATE_KEY: em.privateKey, GHE_HOST: em.host, GHE_PROTOCOL: 'http', LOG_LEVEL: 'fatal' }, { pacer });
      repos.push(new RepoClient(await factory.forInstallation(inst), 'acme/gitops'));
    }
    void sha;
    return { em, repos, head };
  }

  const secondaryRefusals = (em: GitHubEmulator) => em.requests().filter((r) => r.status === 403 || r.status === 429).length;

  it('two processes writing at once stay within the write limit in every window: no request is refused', async () => {
    const limits = { writesPerWindow: 10, windowMs: 1_000, reserve: 0, maxWaitMs: 60_000 };
    const { em, repos, head } = await setup({ secondaryLimit: { writes: 10, windowMs: 1_000 } }, limits, 2);
    try {
      await Promise.all(repos.flatMap((gh, p) => Array.from({ length: 20 }, (_, i) => gh.createCheckRun({ name: `p${p}-${i}`, headSha: head, status: 'queued' }))));
      assert.equal(em.checkRuns('acme', 'gitops').length, 40);
      assert.equal(secondaryRefusals(em), 0, 'GitHub never had to refuse a write');
      assert.ok(em.peakWrites(1_000) <= 10, `peak ${em.peakWrites(1_000)} writes in a window`);
      assert.ok(repos.some((gh) => (gh.waits?.writeLimitMs ?? 0) > 0), 'the writes waited for the limit');
    } finally {
      await em.close();
    }
  });

  it('without the pacer the same writes are refused (the test can fail)', async () => {
    const { em, head } = await setup({ secondaryLimit: { writes: 10, windowMs: 1_000 } }, { writesPerWindow: 1000, windowMs: 1_000, reserve: 0, maxWaitMs: 0 }, 0);
    try {
      const factory = probotOctokitFactory({ APP_ID: String(APP_ID), PRIVATE_KEY: em.privateKey, GHE_HOST: em.host, GHE_PROTOCOL: 'http', LOG_LEVEL: 'fatal', DRIFTGUARD_GITHUB_THROTTLE: 'off' });
      const gh = new RepoClient(await factory.forInstallation(em.installationId('acme')), 'acme/gitops');
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => gh.createCheckRun({ name: `r${i}`, headSha: head, status: 'queued' })));
      assert.ok(results.some((r) => r.status === 'rejected'));
      assert.ok(secondaryRefusals(em) > 0);
    } finally {
      await em.close();
    }
  });

  it('a 403 with retry-after blocks every process until then, and the refused write is sent again', async () => {
    const limits = { writesPerWindow: 100, windowMs: 1_000, reserve: 0, maxWaitMs: 60_000 };
    const { em, repos, head } = await setup({ secondaryLimit: false }, limits, 2);
    try {
      em.injectFault({ operationId: 'checks/create', kind: 'secondary', retryAfter: 2 });
      const first = repos[0].createCheckRun({ name: 'first', headSha: head, status: 'queued' });
      // The other process writes once the refusal is in.
      for (let i = 0; i < 200 && !em.requests({ operationId: 'checks/create' }).some((r) => r.status === 403); i++) await new Promise((r) => setTimeout(r, 20));
      const refusal = em.requests({ operationId: 'checks/create' }).find((r) => r.status === 403)!;
      assert.ok(refusal, 'the fault fired');
      await Promise.all([first, repos[1].createCheckRun({ name: 'second', headSha: head, status: 'queued' })]);
      const after = em.requests({ operationId: 'checks/create' }).filter((r) => r.status === 201);
      assert.deepEqual(after.map((r) => (r.body as { name: string }).name).sort(), ['first', 'second']);
      for (const r of after) assert.ok(Date.parse(r.at) >= Date.parse(refusal.at) + 2_000 - 50, `${(r.body as { name: string }).name} was sent only after retry-after (${r.at} vs ${refusal.at})`);
      assert.equal(em.checkRuns('acme', 'gitops').length, 2, 'one run each, no duplicate');
    } finally {
      await em.close();
    }
  });

  it('primary limit near zero: requests wait for the reset instead of failing, and say how long', async () => {
    const limits = { writesPerWindow: 100, windowMs: 1_000, reserve: 3, maxWaitMs: 60_000 };
    const { em, repos } = await setup({ rateLimit: 12, rateWindowMs: 2_000, secondaryLimit: false }, limits, 1);
    try {
      const gh = repos[0];
      for (let i = 0; i < 25; i++) assert.equal(await gh.defaultBranch(), 'main');
      assert.equal(em.requests().filter((r) => r.status === 403).length, 0, 'never ran into the limit');
      assert.ok((gh.waits?.primaryLimitMs ?? 0) > 0, 'waited for the reset');
    } finally {
      await em.close();
    }
  });

  it('a wait longer than maxWaitMs is GITHUB_RATE_LIMITED with the time to run again', async () => {
    const limits = { writesPerWindow: 100, windowMs: 1_000, reserve: 3, maxWaitMs: 0 };
    const { em, repos } = await setup({ rateLimit: 5, rateWindowMs: 30_000, secondaryLimit: false }, limits, 1);
    try {
      const gh = repos[0];
      const err = await (async () => {
        for (let i = 0; i < 10; i++) await gh.defaultBranch();
      })().then(() => undefined, (e: unknown) => e);
      assert.ok(isDriftguardError(err) && err.code === 'GITHUB_RATE_LIMITED', String(err));
      const until = Number(err.details?.until);
      assert.ok(until > Date.now() && until <= Date.now() + 32_000, 'until the reset');
    } finally {
      await em.close();
    }
  });
});
