// The emulator enforces GitHub's rate limits as GitHub documents them: the secondary limit on
// content-creating requests per installation (403 + retry-after, the secondary-limit message), and
// the primary limit per window (x-ratelimit-* on every answer, 403 with remaining 0 past it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createGitRepo, startGitHubEmulator, type GitHubEmulator, type GitRepoFixture } from '../../../emulators/github/index.ts';
import { Octokit } from '@octokit/rest';
import { createAppAuth } from '@octokit/auth-app';
import { APP_ID, BASE_FILES, OWNER, REPO, quiet } from './setup.ts';

async function token(em: GitHubEmulator): Promise<string> {
  const app = new Octokit({ authStrategy: createAppAuth, auth: { appId: APP_ID, privateKey: em.privateKey }, baseUrl: em.apiUrl, log: quiet });
  return (await app.apps.createInstallationAccessToken({ installation_id: em.installationId(OWNER) })).data.token;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('GitHub emulator: rate limits', () => {
  let git: GitRepoFixture;
  before(async () => {
    git = await createGitRepo(BASE_FILES);
  });
  after(() => git.remove());

  async function emulator(opts: Partial<Parameters<typeof startGitHubEmulator>[0]>): Promise<{ em: GitHubEmulator; call: (method: string, path: string, body?: unknown) => Promise<Response> }> {
    const em = await startGitHubEmulator({ appId: APP_ID, ...opts });
    await em.addRepo({ owner: OWNER, name: REPO, dir: git.dir, defaultBranch: 'main' });
    const t = await token(em);
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${em.apiUrl}${path}`, { method, headers: { authorization: `token ${t}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { em, call };
  }

  it('refuses content-creating requests past the secondary limit with 403, retry-after and GitHub message; reads go on', async () => {
    const { em, call } = await emulator({ secondaryLimit: { writes: 3, windowMs: 4_000 } });
    try {
      const create = () => call('POST', `/repos/${OWNER}/${REPO}/check-runs`, { name: 'driftguard / web', head_sha: git.shas[0] });
      for (let i = 0; i < 3; i++) assert.equal((await create()).status, 201);
      const refused = await create();
      assert.equal(refused.status, 403);
      // A PATCH counts as well.
      assert.equal((await call('PATCH', `/repos/${OWNER}/${REPO}/check-runs/${em.checkRuns(OWNER, REPO)[0].id}`, { status: 'completed', conclusion: 'success' })).status, 403);
      const retryAfter = Number(refused.headers.get('retry-after'));
      assert.ok(retryAfter >= 1 && retryAfter <= 4, `retry-after ${retryAfter}`);
      const body = await refused.json();
      assert.match(body.message, /You have exceeded a secondary rate limit/);
      assert.match(body.documentation_url, /secondary-rate-limits/);
      assert.equal(em.checkRuns(OWNER, REPO).length, 3, 'the refused request created nothing');
      assert.equal((await call('GET', `/repos/${OWNER}/${REPO}`)).status, 200, 'reads are not content creation');
      await sleep(retryAfter * 1000);
      assert.equal((await create()).status, 201, 'served again once retry-after has passed');
      assert.equal(em.peakWrites(4_000), 3);
    } finally {
      await em.close();
    }
  });

  it('counts writes per installation token, not the token exchange itself', async () => {
    const { em, call } = await emulator({ secondaryLimit: { writes: 1, windowMs: 60_000 } });
    try {
      // token() above POSTed /app/installations/{id}/access_tokens with the app's JWT: not counted.
      assert.equal((await call('POST', `/repos/${OWNER}/${REPO}/check-runs`, { name: 'a', head_sha: git.shas[0] })).status, 201);
      assert.equal((await call('POST', `/repos/${OWNER}/${REPO}/check-runs`, { name: 'b', head_sha: git.shas[0] })).status, 403);
    } finally {
      await em.close();
    }
  });

  it('false turns the secondary limit off', async () => {
    const { em, call } = await emulator({ secondaryLimit: false });
    try {
      for (let i = 0; i < 100; i++) assert.equal((await call('POST', `/repos/${OWNER}/${REPO}/check-runs`, { name: `r${i}`, head_sha: git.shas[0] })).status, 201);
    } finally {
      await em.close();
    }
  });

  it('primary limit: x-ratelimit-* on every answer, 403 with remaining 0 and the reset past the budget, served after the reset', async () => {
    const { em, call } = await emulator({ rateLimit: 4, rateWindowMs: 2_000 });
    try {
      const seen: Array<{ status: number; remaining: string | null; used: string | null }> = [];
      for (let i = 0; i < 5; i++) {
        const r = await call('GET', `/repos/${OWNER}/${REPO}`);
        seen.push({ status: r.status, remaining: r.headers.get('x-ratelimit-remaining'), used: r.headers.get('x-ratelimit-used') });
        if (i === 4) {
          assert.match((await r.json()).message, /API rate limit exceeded/);
          const reset = Number(r.headers.get('x-ratelimit-reset'));
          assert.ok(reset * 1000 > Date.now() - 1000 && reset * 1000 <= Date.now() + 3_000, 'reset within the window');
          assert.equal(r.headers.get('x-ratelimit-limit'), '4');
          assert.equal(r.headers.get('x-ratelimit-resource'), 'core');
          await sleep(Math.max(0, reset * 1000 - Date.now()) + 100);
        }
      }
      assert.deepEqual(seen.map((s) => [s.status, s.remaining]), [[200, '3'], [200, '2'], [200, '1'], [200, '0'], [403, '0']]);
      const again = await call('GET', `/repos/${OWNER}/${REPO}`);
      assert.equal(again.status, 200, 'a new window after the reset');
      assert.equal(again.headers.get('x-ratelimit-remaining'), '3');
    } finally {
      await em.close();
    }
  });
});
