// A render runs in a child process under heap/CPU limits, so the worker's event loop stays free to
// renew the job's BullMQ lock however long the tool takes. (Issue 10: a kustomize alias bomb took
// 11 GB on the worker host and the plan job lost its lock and ran twice. The tool now cannot take the
// host down — test/render/render-limits.test.ts — and this guards the other half: a render longer
// than the lock duration must not stall the job.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisServer } from '../support/redis.ts';
import { JobProducer, QUEUES, createConsumer, closeConsumers, queueConnection, type PlanJob } from '../../src/queue/index.ts';
import { renderApp } from '../../src/render/render.ts';

let server: RedisServer;
let producer: JobProducer;
let dir: string;
before(async () => {
  server = await RedisServer.start();
  producer = new JobProducer(queueConnection(server.url), { attempts: 1 });
  dir = mkdtempSync(join(tmpdir(), 'driftguard-lock-'));
});
after(async () => {
  await producer.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a render longer than the lock duration keeps the job locked: it runs once and never stalls', async () => {
  // A slow kustomize: 3 s (three lock durations) before it prints its output.
  const tool = join(dir, 'slow-kustomize');
  writeFileSync(tool, '#!/bin/sh\nsleep 3\nprintf "apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: slow\\n"\n');
  chmodSync(tool, 0o755);
  mkdirSync(join(dir, 'repo', 'app'), { recursive: true });
  writeFileSync(join(dir, 'repo', 'app', 'kustomization.yaml'), 'resources: []\n');

  let runs = 0;
  const stalled: string[] = [];
  let rendered: string[] = [];
  const worker = createConsumer<PlanJob>(QUEUES.plan, async () => {
    runs++;
    const r = await renderApp({ root: join(dir, 'repo'), path: 'app', tools: { env: { ...process.env, DRIFTGUARD_KUSTOMIZE: tool } } });
    rendered = r.objects.map((o) => o.object.metadata.name!);
  }, { connection: queueConnection(server.url), concurrency: 1, lockDuration: 1000, stalledInterval: 500, maxStalledCount: 1 });
  worker.on('stalled', (id) => stalled.push(String(id)));
  const done = new Promise<void>((resolve, reject) => {
    worker.on('completed', () => resolve());
    worker.on('failed', (_j, e) => reject(e));
  });
  try {
    await producer.plan({ repo: 'acme/web', installationId: 1, pr: 1, headSha: 'a'.repeat(40), baseSha: 'b'.repeat(40), fork: false, deliveryId: 'd', seq: 1 });
    await done;
    assert.deepEqual(rendered, ['slow']);
    assert.equal(runs, 1);
    assert.deepEqual(stalled, []);
  } finally {
    await closeConsumers([worker]);
  }
});
