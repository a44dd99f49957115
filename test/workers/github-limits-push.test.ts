// GitHub's limits end to end, at monorepo scale: a 100-app first push through the real web and worker
// processes (in-process) against the GitHub emulator enforcing a test-scaled secondary limit (40 writes
// per 1 s instead of 80 per 60 s); the cluster is the harness's in-memory fake. Its own file: it takes
// about two minutes on a busy machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emulatorPayload, sendWebhook } from '../support/webhooks.ts';
import { SECRET, until, monorepo, start, refused } from './github-limits-setup.ts';

test('a 100-app first push: every app synced into one aggregated run, and never more writes in a window than the limit (nothing refused)', { timeout: 420_000 }, async () => {
  const { h, p } = await start({ secondaryLimit: { writes: 40, windowMs: 1_000 } }, monorepo(100, true), { DRIFTGUARD_GITHUB_WRITES_PER_WINDOW: '40', DRIFTGUARD_GITHUB_WRITE_WINDOW_MS: '1000' });
  const sha = (await (await h.client()).resolveRef('main'));
  const push = await emulatorPayload(h.gh, 'push', undefined, { owner: 'acme', repo: 'gitops', push: { before: '0'.repeat(40), after: sha } });
  assert.equal((await sendWebhook(p.hook, { event: 'push', payload: push, secret: SECRET })).status, 200);
  const run = await until('the aggregated run completed', () => h.gh.checkRuns('acme', 'gitops', { headSha: sha, name: 'driftguard' }).find((c) => c.status === 'completed'), 300_000);
  assert.equal(run.conclusion, 'success');
  assert.equal(run.output.title, `Synced 100 apps at ${sha.slice(0, 7)}`);
  const rows = (run.output.summary ?? '').split('\n').filter((l) => /^\| app-\d+ \| ✅ success \|/.test(l));
  assert.equal(rows.length, 100, 'one table row per app');
  assert.match(run.output.text ?? '', /### app-0: /, 'details of the changed apps');
  assert.deepEqual(h.gh.checkRuns('acme', 'gitops', { headSha: sha }).map((c) => c.name), ['driftguard'], 'no run per app above the threshold');
  assert.equal(h.cluster.live.size, 100);
  assert.deepEqual(refused(h).map((r) => `${r.method} ${r.path}`), [], 'GitHub never refused a request');
  const peak = h.gh.peakWrites(1_000);
  assert.ok(peak <= 40, `peak ${peak} writes in 1 s`);
  assert.ok(h.gh.requests().filter((r) => r.method !== 'GET').length > 40, 'more writes than one window allows: the pacer had work to do');
});

