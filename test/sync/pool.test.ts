// mapBounded (src/sync/pool.ts): the bounded fan-out of a plan's apps. On the first failure nothing new
// starts, and the call returns only once the items in flight have finished: no work of a failed job runs
// on beside its retry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapBounded } from '../../src/sync/pool.ts';

test('mapBounded: results in input order, never more than the bound at once', async () => {
  let inFlight = 0;
  let peak = 0;
  const out = await mapBounded([5, 1, 4, 2, 3, 0], 2, async (n) => {
    peak = Math.max(peak, ++inFlight);
    await new Promise((r) => setTimeout(r, n));
    inFlight--;
    return n * 10;
  });
  assert.deepEqual(out, [50, 10, 40, 20, 30, 0]);
  assert.equal(peak, 2);
});

test('mapBounded: the first failure stops new items and is thrown after the ones in flight finished', async () => {
  const started: number[] = [];
  const finished: number[] = [];
  let releaseSlow!: () => void;
  const slow = new Promise<void>((r) => { releaseSlow = r; });
  const run = mapBounded([0, 1, 2, 3, 4], 2, async (n) => {
    started.push(n);
    if (n === 0) await slow; // in flight when item 1 fails
    if (n === 1) { setImmediate(releaseSlow); throw new Error('item 1 failed'); }
    finished.push(n);
  });
  await assert.rejects(run, /item 1 failed/);
  assert.deepEqual(finished, [0], 'the item in flight finished before the call returned');
  assert.deepEqual(started.sort(), [0, 1], 'nothing started after the failure');
});
