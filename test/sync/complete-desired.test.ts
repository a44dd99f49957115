// Prune deletes what the desired set lacks, so it runs only from a complete render of a complete
// checkout: a desired set flagged incomplete is refused before anything is read or written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, cm, src } from './emulator-cluster.ts';
import { syncApp } from '../../src/sync/index.ts';
import { isDriftguardError } from '../../src/core/errors.ts';

test('sync with prune refuses an incomplete desired set; without prune, or complete, it syncs', async () => {
  const t = await startTestCluster();
  try {
    const base = { cluster: t.cluster, app: 'shop', dryRun: false, timeoutMs: 10_000 } as const;
    const first = await syncApp({ ...base, desired: src([cm('a', 'default'), cm('b', 'default'), cm('c', 'default')]), prune: true, desiredComplete: true });
    assert.equal(first.phase, 'Succeeded', first.message);
    const writes = t.emu.counters.writes();

    // `c` is missing because the checkout/render was partial: it must not be pruned.
    await assert.rejects(
      syncApp({ ...base, desired: src([cm('a', 'default'), cm('b', 'default')]), prune: true, desiredComplete: false }),
      (e: unknown) => isDriftguardError(e) && e.code === 'SYNC_REFUSED' && /incomplete checkout or render/.test(e.message),
    );
    assert.equal(t.emu.counters.writes(), writes, 'nothing written or deleted');
    assert.ok(t.emu.getObject('v1', 'ConfigMap', 'default', 'c'));

    // Applying without prune deletes nothing, so an incomplete set may still be applied.
    const noPrune = await syncApp({ ...base, desired: src([cm('a', 'default', { k: 'v2' })]), prune: false, desiredComplete: false });
    assert.equal(noPrune.phase, 'Succeeded', noPrune.message);
    assert.ok(t.emu.getObject('v1', 'ConfigMap', 'default', 'c'));

    const complete = await syncApp({ ...base, desired: src([cm('a', 'default'), cm('b', 'default')]), prune: true, desiredComplete: true });
    assert.equal(complete.counts.pruned, 1, complete.message);
    assert.equal(t.emu.getObject('v1', 'ConfigMap', 'default', 'c'), undefined);
  } finally {
    await t.close();
  }
});
