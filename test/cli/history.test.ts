// `driftguard history <app>` against a real redis-server: the entries the workers record, newest first,
// as a table or JSON; an unknown app, an ambiguous name and an unreachable Redis are one clear line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { RedisServer, freePort } from '../support/redis.ts';
import { DeployHistory, createRedis, type DeployEntry } from '../../src/store/index.ts';
import { runCli } from './support.ts';

let server: RedisServer;
let redis: Redis;
const env = () => ({ PATH: process.env.PATH, REDIS_URL: server.url });
const entry = (n: number, over: Partial<DeployEntry>): DeployEntry => ({ id: `web:${n}`, sha: String(n).repeat(40).slice(0, 40), at: `2026-12-08T0${n}:00:00.000Z`, trigger: 'push', result: 'synced', ...over });

before(async () => {
  server = await RedisServer.start();
  redis = createRedis(server.url);
  const h = new DeployHistory(redis);
  await h.record('Acme/GitOps', 'web', entry(1, { counts: { created: 2, updated: 0, pruned: 0, failed: 0 }, health: 'Healthy', message: 'Synced' }));
  await h.record('Acme/GitOps', 'web', entry(2, { trigger: 'command', by: 'alice', counts: { created: 0, updated: 1, pruned: 0, failed: 0 }, health: 'Healthy' }));
  await h.record('Acme/GitOps', 'web', entry(3, { trigger: 'rollback', by: 'bob', sha: entry(1, {}).sha, counts: { created: 0, updated: 1, pruned: 1, failed: 0 }, health: 'Healthy' }));
  await h.record('acme/other', 'api', entry(4, { result: 'failed', message: 'Render failed: nothing was applied' }));
  await h.record('acme/third', 'api', entry(5, {}));
});
after(async () => {
  redis.disconnect();
  await server.stop();
});

test('history --output json: the entries newest first, with trigger, who and counts', async () => {
  const r = await runCli(['history', 'web', '--output', 'json'], { env: env() });
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { repo: string; app: string; entries: DeployEntry[] };
  assert.deepEqual([report.repo, report.app], ['Acme/GitOps', 'web']);
  assert.deepEqual(report.entries.map((e) => [e.trigger, e.by ?? null, e.result]), [['rollback', 'bob', 'synced'], ['command', 'alice', 'synced'], ['push', null, 'synced']]);
  assert.deepEqual(report.entries[0].counts, { created: 0, updated: 1, pruned: 1, failed: 0 });
  const limited = JSON.parse((await runCli(['history', 'web', '-o', 'json', '--limit', '1'], { env: env() })).stdout) as { entries: DeployEntry[] };
  assert.equal(limited.entries.length, 1);
});

test('history as a table', async () => {
  const r = await runCli(['history', 'web'], { env: env() });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'Acme/GitOps web: 3 entries, newest first');
  assert.match(lines[1], /^TIME +SHA +TRIGGER +BY +RESULT +CHANGES +HEALTH +MESSAGE$/);
  assert.match(lines[2], /^2026-12-08T03:00:00\.000Z +1111111 +rollback +@bob +synced +\+0 ~1 -1 +Healthy$/);
  assert.match(lines[4], /push +- +synced +\+2 ~0 -0 +Healthy +Synced$/);
});

test('history: unknown app, a name in several repositories, a bad --limit, Redis unreachable', async () => {
  const unknown = await runCli(['history', 'nope'], { env: env() });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^driftguard: no deploy history for app "nope" in Redis at 127\.0\.0\.1:\d+ \(apps with a history: Acme\/GitOps:web, acme\/other:api, acme\/third:api\)\n$/);
  const ambiguous = await runCli(['history', 'api'], { env: env() });
  assert.equal(ambiguous.code, 2);
  assert.match(ambiguous.stderr, /apps named "api" exist in acme\/other, acme\/third: name one with --repo/);
  const picked = await runCli(['history', 'api', '--repo', 'ACME/other', '-o', 'json'], { env: env() });
  assert.equal(picked.code, 0, picked.stderr);
  assert.equal((JSON.parse(picked.stdout) as { entries: DeployEntry[] }).entries[0].message, 'Render failed: nothing was applied');
  assert.equal((await runCli(['history', 'web', '--limit', '0'], { env: env() })).code, 2);
  const port = await freePort();
  const down = await runCli(['history', 'web'], { env: { PATH: process.env.PATH, REDIS_URL: `redis://user:secret@127.0.0.1:${port}` } });
  assert.equal(down.code, 1);
  assert.match(down.stderr, new RegExp(`^driftguard: cannot reach Redis at 127\\.0\\.0\\.1:${port} \\(.*\\); set REDIS_URL to the workers' Redis\\n$`));
  assert.doesNotMatch(down.stderr, /secret/, 'credentials are not printed');
});
