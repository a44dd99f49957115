import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderSyncCheckRun, renderSyncComment, summarizeSync, syncConclusion, type SyncResourceResult } from '../../src/core/report/index.ts';

const res = (name: string, action: SyncResourceResult['action'], outcome: SyncResourceResult['outcome'], extra: Partial<SyncResourceResult> = {}): SyncResourceResult =>
  ({ group: 'apps', kind: 'Deployment', namespace: 'web', name, action, outcome, ...extra });

test('sync comment: the one-line form', () => {
  assert.equal(
    renderSyncComment({ sha: '0123456789abcdef', cluster: 'production', namespace: 'web', created: 3, updated: 2, pruned: 1, health: 'Healthy' }),
    'Synced 0123456 to production/web: 3 created, 2 updated, 1 pruned — Healthy',
  );
  assert.equal(
    renderSyncComment({ sha: '0123456789abcdef', cluster: 'production', namespace: 'web', created: 0, updated: 1, pruned: 0, failed: 2, health: 'Degraded' }),
    'Synced 0123456 to production/web: 0 created, 1 updated, 0 pruned, 2 failed — Degraded',
  );
});

test('summarizeSync counts by outcome and action', () => {
  const c = summarizeSync([
    res('a', 'create', 'applied'), res('b', 'update', 'applied'), res('c', 'update', 'applied'),
    res('d', 'delete', 'pruned'), res('e', 'none', 'unchanged'), res('f', 'update', 'failed'), res('g', 'delete', 'skipped'),
  ]);
  assert.deepEqual(c, { created: 1, updated: 2, pruned: 1, failed: 1, unchanged: 1, skipped: 1 });
});

test('sync conclusion', () => {
  const cases: Array<[Parameters<typeof syncConclusion>[0], string]> = [
    [{ results: [res('a', 'create', 'applied')], health: 'Healthy' }, 'success'],
    [{ results: [res('a', 'create', 'applied')], health: 'Suspended' }, 'success'],
    [{ results: [res('a', 'create', 'applied')], health: 'Progressing' }, 'neutral'],
    [{ results: [res('a', 'create', 'applied')], health: 'Degraded' }, 'failure'],
    [{ results: [res('a', 'create', 'failed')], health: 'Healthy' }, 'failure'],
    [{ results: [], health: 'Healthy', error: 'render failed' }, 'failure'],
  ];
  for (const [input, want] of cases) assert.equal(syncConclusion(input), want, JSON.stringify(input));
});

test('sync check run: per-resource table, failures first, escaped messages', () => {
  const out = renderSyncCheckRun({
    app: 'web', sha: 'abcdef0123', cluster: 'production', namespace: 'web', health: 'Degraded',
    results: [
      res('ok', 'update', 'applied', { health: 'Healthy' }),
      res('bad', 'update', 'failed', { message: 'admission webhook "x" denied | <b>no</b>' }),
      res('gone', 'delete', 'pruned'),
    ],
  });
  assert.equal(out.conclusion, 'failure');
  assert.equal(out.title, '0 created, 1 updated, 1 pruned, 1 failed — Degraded');
  const rows = out.text.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Result') && !l.startsWith('| ---'));
  assert.equal(rows.length, 3);
  assert.ok(rows[0].startsWith('| failed |'));
  assert.ok(!rows[0].includes('<b>'));
  assert.equal(rows[0].split(/(?<!\\)\|/).length, 8, 'pipes in the message are escaped so the row keeps 6 cells');
});

test('sync check run: thousands of resources stay within the text limit', () => {
  const results = Array.from({ length: 5000 }, (_, i) => res(`deployment-number-${i}`, 'update', i === 4999 ? 'failed' : 'applied', { message: 'm'.repeat(50) }));
  const out = renderSyncCheckRun({ app: 'web', sha: 'abcdef0', cluster: 'c', namespace: 'n', health: 'Healthy', results });
  assert.ok(out.text.length <= 65535);
  assert.match(out.text, /truncated: \d+ of 5000 resources shown/);
  assert.match(out.text.split('\n')[2], /^\| failed \|.*deployment-number-4999/, 'the failure survives truncation');
});
