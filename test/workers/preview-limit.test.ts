// The per-repository limit's hand-over when a waiting PR was closed and its close webhook missed: when
// its turn comes its up job finds the PR closed, gives up its place and queues the next in line, so a
// stale entry never blocks the queue.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { QUEUES, type PreviewJob } from '../../src/queue/index.ts';
import { slotMember } from '../../src/store/index.ts';
import { runPreview } from '../../workers/preview.ts';
import { deployment, startHarness, type Harness } from './harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
  await h.gh.addRepo({ owner: 'acme', name: 'gitops', files: { '.github/driftguard.yml': 'preview: {maxPerRepo: 1}\napps:\n  - {name: web, path: deploy/web, cluster: production, namespace: web, preview: {}}\n', 'deploy/web/deployment.yaml': deployment('web') } });
});
after(() => h.close());

test('a waiting PR closed without a webhook gives its place to the next one when its turn comes', async () => {
  const repo = 'acme/gitops';
  const installationId = h.gh.installationId('acme');
  const pr = async (branch: string, state: 'open' | 'closed') => {
    await h.gh.commit('acme', 'gitops', { branch, from: 'main', files: { 'README.md': `${branch}\n` } });
    const p = await h.gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: branch, state });
    return { number: p.number, headSha: (await (await h.client()).pull(p.number)).headSha };
  };
  const holder = await pr('holder', 'open');
  const stale = await pr('stale', 'closed');
  const next = await pr('next', 'open');
  const job = (p: { number: number; headSha: string }, seq: number): Omit<PreviewJob, 'kind'> => ({ repo, installationId, pr: p.number, app: 'web', headSha: p.headSha, action: 'up', seq, deliveryId: `d${seq}` });
  const slots = h.deps.previewSlots;
  assert.deepEqual(await slots.claim(repo, slotMember(holder.number, 'web'), 1, job(holder, 1), 1), { admitted: true });
  assert.deepEqual(await slots.claim(repo, slotMember(stale.number, 'web'), 1, job(stale, 2), 2), { admitted: false, position: 1 });
  assert.deepEqual(await slots.claim(repo, slotMember(next.number, 'web'), 1, job(next, 3), 3), { admitted: false, position: 2 });

  // The holder's preview is deleted: the stale PR is first in line and is the one queued.
  await slots.release(repo, slotMember(holder.number, 'web'));
  const [promoted] = await slots.promotable<Omit<PreviewJob, 'kind'>>(repo);
  assert.equal(promoted.job.pr, stale.number);

  const queued = async () => (await h.producer.queue(QUEUES.preview).getJobs(['waiting'])).map((j) => j.data as PreviewJob);
  assert.equal((await runPreview({ kind: 'preview', ...promoted.job }, h.deps)).outcome, 'superseded');
  assert.deepEqual((await slots.waiting(repo)).map((w) => w.member), [slotMember(next.number, 'web')], 'the closed PR\'s place is gone');
  assert.deepEqual((await queued()).map((j) => [j.pr, j.action, j.headSha]), [[next.number, 'up', next.headSha]], 'the next in line is queued');
});
