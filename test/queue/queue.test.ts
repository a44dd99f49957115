import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Job } from 'bullmq';
import { RedisServer } from '../support/redis.ts';
import { DriftguardError } from '../../src/core/errors.ts';
import { JobProducer, QUEUES, createConsumer, closeConsumers, queueConnection, type PlanJob, type SyncJob } from '../../src/queue/index.ts';

let server: RedisServer;
let producer: JobProducer;
before(async () => {
  server = await RedisServer.start();
  producer = new JobProducer(queueConnection(server.url), { attempts: 1 });
});
after(async () => {
  await producer.close();
  await server.stop();
});

const plan = (over: Partial<PlanJob> = {}): Omit<PlanJob, 'kind'> => ({
  repo: 'acme/web', installationId: 42, pr: 7, headSha: 'a'.repeat(40), baseSha: 'b'.repeat(40), fork: false, deliveryId: 'd-1', seq: 1, ...over,
});

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

test('the same plan (repo, PR, head) is enqueued once; a new head is a new job', async () => {
  const ids = [
    await producer.plan(plan()),
    await producer.plan(plan({ deliveryId: 'd-2' })),
    await producer.plan(plan({ headSha: 'c'.repeat(40) })),
  ];
  assert.equal(ids[0], ids[1]);
  assert.notEqual(ids[0], ids[2]);
  assert.ok(!ids[0].includes(':'));
  assert.equal(await producer.queue(QUEUES.plan).count(), 2);
});

test('a consumer processes typed jobs and reports final failures', async () => {
  const seen = deferred<SyncJob>();
  const failed = deferred<{ job: Job; err: Error }>();
  const ok = createConsumer<SyncJob>(QUEUES.sync, async (job) => {
    if (job.data.app === 'broken') throw new Error('render failed');
    seen.resolve(job.data);
  }, {
    connection: queueConnection(server.url),
    onFinalFailure: (job, err) => failed.resolve({ job, err }),
  });
  await producer.sync({ repo: 'acme/web', installationId: 1, app: 'broken', sha: 'f'.repeat(40), ref: 'refs/heads/main', seq: 1, deliveryId: 'x', checkRunId: 99 });
  await producer.sync({ repo: 'acme/web', installationId: 1, app: 'web', sha: 'e'.repeat(40), ref: 'refs/heads/main', seq: 2, deliveryId: 'y' });
  const data = await seen.promise;
  assert.equal(data.kind, 'sync');
  assert.equal(data.app, 'web');
  const f = await failed.promise;
  assert.equal((f.job.data as SyncJob).checkRunId, 99);
  assert.equal(f.err.message, 'render failed');
  await closeConsumers([ok]);
});

test('producer and consumer keep working across a Redis restart', async () => {
  const got = deferred<string>();
  const w = createConsumer<PlanJob>(QUEUES.command, async (job) => { got.resolve(job.data.repo); }, { connection: queueConnection(server.url) });
  await server.restart();
  await producer.command({ repo: 'acme/after-restart', installationId: 1, pr: 1, command: 'help', text: '/driftguard help', commentId: 5, sender: 'octocat', deliveryId: 'z' });
  assert.equal(await got.promise, 'acme/after-restart');
  await closeConsumers([w]);
});

test('a job whose worker died is failed by the stalled checker and reported through onFinalFailure', async () => {
  const started = deferred<void>();
  const crashed = createConsumer<SyncJob>(QUEUES.push, async () => {
    started.resolve();
    await new Promise(() => {}); // the "crash": never finishes, and the lock stops being renewed below
    // (BullMQ rate-limits stall checks queue-wide with the first checker's interval: keep both short.)
  }, { connection: queueConnection(server.url), lockDuration: 400, stalledInterval: 200 });
  await producer.push({ repo: 'acme/web', installationId: 1, ref: 'refs/heads/main', sha: 'a'.repeat(40), defaultBranch: 'main', deliveryId: 'crash-1', seq: 1 });
  await started.promise;
  await crashed.close(true);

  const final = deferred<{ job: Job; err: Error }>();
  const survivor = createConsumer<SyncJob>(QUEUES.push, async () => undefined, {
    connection: queueConnection(server.url), stalledInterval: 200, maxStalledCount: 0, lockDuration: 400,
    onFinalFailure: (job, err) => final.resolve({ job, err }),
  });
  const f = await final.promise;
  assert.equal(f.job.id, 'push-crash-1');
  assert.match(f.err.message, /stalled/);
  await closeConsumers([survivor]);
});

test('a deterministic failure (typed DriftguardError code) is not retried; a transient one is', async () => {
  // Retries with no backoff, so the transient case is quick.
  const retrying = new JobProducer(queueConnection(server.url), { attempts: 3 });
  const attempts = new Map<string, number>();
  const finals = new Map<string, ReturnType<typeof deferred<{ job: Job; err: Error }>>>([['render', deferred()], ['refused', deferred()], ['api', deferred()]]);
  const errors: Record<string, () => Error> = {
    render: () => new DriftguardError('RENDER_FAILED', 'template error', { location: { file: 'deploy/web/templates/a.yaml', line: 3 } }),
    refused: () => new DriftguardError('SYNC_REFUSED', 'mass prune refused'),
    api: () => new DriftguardError('KUBE_API', 'the API server answered 503'),
  };
  const w = createConsumer<SyncJob>(QUEUES.sync, async (job) => {
    attempts.set(job.data.app, (attempts.get(job.data.app) ?? 0) + 1);
    throw errors[job.data.app]();
  }, {
    connection: queueConnection(server.url),
    onFinalFailure: (job, err) => finals.get((job.data as SyncJob).app)!.resolve({ job, err }),
  });
  try {
    for (const [i, app] of ['render', 'refused', 'api'].entries()) {
      await retrying.sync({ repo: 'acme/retry', installationId: 1, app, sha: 'c'.repeat(40), ref: 'refs/heads/main', seq: 100 + i, deliveryId: `r-${app}` });
    }
    const render = await finals.get('render')!.promise;
    assert.equal(attempts.get('render'), 1, 'a render error runs once');
    assert.equal(render.err.name, 'UnrecoverableError');
    assert.equal(render.err.message, 'deploy/web/templates/a.yaml:3: template error', 'the message keeps file:line');
    await finals.get('refused')!.promise;
    assert.equal(attempts.get('refused'), 1, 'a refusal runs once');
    await finals.get('api')!.promise;
    assert.equal(attempts.get('api'), 3, 'a transient API error is retried until attempts run out');
  } finally {
    await closeConsumers([w]);
    await retrying.close();
  }
});

test('the preview sweep schedule: upserted once whoever starts, the interval replaced, 0 removes it; a sweep on demand', async () => {
  const q = producer.queue(QUEUES.previewSweep);
  const other = new JobProducer(queueConnection(server.url), { attempts: 1 });
  try {
    await producer.schedulePreviewSweep(300_000);
    await other.schedulePreviewSweep(300_000); // a second worker starting
    assert.deepEqual((await q.getJobSchedulers()).map((s) => [s.key, s.every]), [['preview-sweep', 300_000]]);
    await other.schedulePreviewSweep(60_000); // the operator changed the interval
    assert.deepEqual((await q.getJobSchedulers()).map((s) => [s.key, s.every]), [['preview-sweep', 60_000]]);
    assert.equal((await q.getJobs(['delayed', 'waiting'])).length, 1, 'one pending sweep, not one per worker');
    await producer.schedulePreviewSweep(0);
    assert.deepEqual(await q.getJobSchedulers(), []);
    const id = await producer.sweepPreviewsNow('manual-1');
    assert.equal(await producer.sweepPreviewsNow('manual-1'), id, 'deduplicated by key');
  } finally {
    await other.close();
  }
});
