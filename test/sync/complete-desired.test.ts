// Prune deletes what the desired set lacks, so it runs only from a complete render of a complete
// checkout: a desired set flagged incomplete is refused before anything is read or written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cm, src } from './emulator-cluster.ts';
import { syncApp } from '../../src/sync/index.ts';
import { isDriftguardError } from '../../src/core/errors.ts';
import { forEachBackend } from '../support/cluster-backend.ts';

forEachBackend((backend) => {
  test(`[${backend.name}] sync with prune refuses an incomplete desired set; without prune, or complete, it syncs`, async () => {
    const t = await backend.start();
    try {
      const ns = await t.namespace('shop');
      const base = { cluster: t.cluster, app: t.unique('shop'), namespace: ns, dryRun: false, timeoutMs: 30_000 } as const;
      const first = await syncApp({ ...base, desired: src([cm('a', ns), cm('b', ns), cm('c', ns)]), prune: true, desiredComplete: true });
      assert.equal(first.phase, 'Succeeded', first.message);

      // `c` is missing because the checkout/render was partial: it must not be pruned.
      t.resetWrites();
      await assert.rejects(
        syncApp({ ...base, desired: src([cm('a', ns), cm('b', ns)]), prune: true, desiredComplete: false }),
        (e: unknown) => isDriftguardError(e) && e.code === 'SYNC_REFUSED' && /incomplete checkout or render/.test(e.message),
      );
      assert.equal(t.writes(), 0, 'nothing written or deleted');
      assert.ok(await t.get('v1', 'ConfigMap', ns, 'c'));

      // Applying without prune deletes nothing, so an incomplete set may still be applied.
      const noPrune = await syncApp({ ...base, desired: src([cm('a', ns, { k: 'v2' })]), prune: false, desiredComplete: false });
      assert.equal(noPrune.phase, 'Succeeded', noPrune.message);
      assert.ok(await t.get('v1', 'ConfigMap', ns, 'c'));

      const complete = await syncApp({ ...base, desired: src([cm('a', ns), cm('b', ns)]), prune: true, desiredComplete: true });
      assert.equal(complete.counts.pruned, 1, complete.message);
      await t.waitGone('v1', 'ConfigMap', ns, 'c');
    } finally {
      await t.close();
    }
  });
});
