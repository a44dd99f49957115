// Fault injection drives octokit's retry and throttling plugins the way real GitHub incidents do.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Octokit } from '@octokit/rest';
import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { APP_ID, OWNER, REPO, installationToken, quiet, startFixture, type Fixture } from './setup.ts';

const Resilient = Octokit.plugin(retry, throttling);

describe('GitHub emulator: faults', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture();
  });
  after(() => f.close());

  function client(onSecondary: (after: number) => void) {
    return new Resilient({
      authStrategy: createAppAuth,
      auth: { appId: APP_ID, privateKey: f.em.privateKey, installationId: f.installationId },
      baseUrl: f.em.apiUrl,
      log: quiet,
      // Short waits: the plugins multiply retry-after by these (ms per unit) instead of 1000.
      retry: { retryAfterBaseValue: 10 },
      throttle: {
        retryAfterBaseValue: 10,
        onRateLimit: () => true,
        onSecondaryRateLimit: (after: number) => {
          onSecondary(after);
          return true;
        },
      },
    });
  }

  it('returns injected 5xx once, then serves; plugin-retry recovers', async () => {
    f.em.injectFault({ operationId: 'pulls/get', kind: 'error', status: 502, times: 2 });
    const o = client(() => {});
    const pr = await o.pulls.get({ owner: OWNER, repo: REPO, pull_number: 1 });
    assert.equal(pr.data.number, 1);
    const statuses = f.em.requests({ operationId: 'pulls/get' }).map((r) => r.status);
    assert.deepEqual(statuses, [502, 502, 200]);
  });

  it('returns a secondary rate limit with retry-after; plugin-throttling waits and retries', async () => {
    f.em.injectFault({ method: 'POST', path: `/repos/${OWNER}/${REPO}/check-runs`, kind: 'secondary', retryAfter: 1 });
    const seen: number[] = [];
    const o = client((after) => seen.push(after));
    const run = await o.checks.create({ owner: OWNER, repo: REPO, name: 'driftguard / web', head_sha: f.git.shas[1] });
    assert.equal(run.status, 201);
    assert.deepEqual(seen, [1]);
    assert.deepEqual(f.em.requests({ operationId: 'checks/create' }).map((r) => r.status), [403, 201]);
    assert.equal(f.em.checkRuns(OWNER, REPO).length, 1, 'the refused attempt stored nothing');
  });

  it('describes faults the way GitHub does on the wire', async () => {
    const token = await installationToken(f);
    const cases = [
      { fault: { kind: 'secondary' as const, status: 429, retryAfter: 7 }, status: 429, message: /secondary rate limit/, header: ['retry-after', '7'] },
      { fault: { kind: 'primary' as const }, status: 403, message: /API rate limit exceeded/, header: ['x-ratelimit-remaining', '0'] },
      { fault: { kind: 'error' as const, status: 500 }, status: 500, message: /Internal Server Error/, header: ['x-github-request-id', /./] },
    ];
    for (const c of cases) {
      f.em.injectFault({ ...c.fault, path: `/repos/${OWNER}/${REPO}` });
      const res = await fetch(`${f.em.apiUrl}/repos/${OWNER}/${REPO}`, { headers: { authorization: `token ${token}` } });
      assert.equal(res.status, c.status);
      const body = await res.json();
      assert.match(body.message, c.message);
      assert.equal(body.status, String(c.status));
      const [name, value] = c.header;
      if (value instanceof RegExp) assert.match(res.headers.get(name as string) ?? '', value);
      else assert.equal(res.headers.get(name as string), value);
      const ok = await fetch(`${f.em.apiUrl}/repos/${OWNER}/${REPO}`, { headers: { authorization: `token ${token}` } });
      assert.equal(ok.status, 200, 'the fault fired once');
    }
  });
});
