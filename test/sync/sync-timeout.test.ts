// The sync timeout bounds the whole sync, watch-cache warm-up and reads included (issue 10, failure 5):
// the sync ends at its deadline with a TIMEOUT that names what could not be read, and writes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cm, deploy, src } from './emulator-cluster.ts';
import { syncApp } from '../../src/sync/index.ts';
import { isDriftguardError } from '../../src/core/errors.ts';
import { backends, emulatorBackend } from '../support/cluster-backend.ts';

const DEPLOYMENT = { group: 'apps', version: 'v1', kind: 'Deployment' };

// Injected 500s exist on the emulator only (the real API server has no fault injection).
test('[emulator] list/watch of one kind answering 500: the sync ends at its timeout naming that kind; the informer is dropped', async () => {
  const t = await emulatorBackend.start();
  try {
    const ns = await t.namespace('shop');
    const app = t.unique('shop');
    t.emu!.faults.error(500, { verb: ['list', 'watch'], resource: 'deployments' });
    t.resetWrites();
    await assert.rejects(
      syncApp({ cluster: t.cluster, app, namespace: ns, desired: src([cm('settings', ns), deploy('web', ns)]), prune: true, dryRun: false, timeoutMs: 1500 }),
      (e: unknown) => {
        assert.ok(isDriftguardError(e) && e.code === 'TIMEOUT', String(e));
        assert.match(e.message, /^sync timed out after 1500 ms: could not read the live state of Deployment \(apps\/v1\): \S/);
        assert.doesNotMatch(e.message, /ConfigMap|settings|\bweb\b/, 'only the kind that failed is named, no object is blamed');
        return true;
      },
    );
    assert.equal(t.writes(), 0, 'nothing written');
    // No endless retrying in the background: the kind is not watched any more (a later sync tries again).
    assert.equal(t.cluster.cacheFor(app).watching(DEPLOYMENT), false);
  } finally {
    await t.close();
  }
});

for (const backend of backends()) {
  test(`[${backend.name}] a sync whose time is up before its reads finish ends with a TIMEOUT and writes nothing`, async () => {
    const t = await backend.start();
    try {
      const ns = await t.namespace('shop');
      t.resetWrites();
      await assert.rejects(
        syncApp({ cluster: t.cluster, app: t.unique('shop'), namespace: ns, desired: src([cm('settings', ns)]), prune: true, dryRun: false, timeoutMs: 1 }),
        (e: unknown) => isDriftguardError(e) && e.code === 'TIMEOUT' && /^sync timed out after 1 ms: /.test(e.message),
      );
      assert.equal(t.writes(), 0);
      assert.equal(await t.get('v1', 'ConfigMap', ns, 'settings'), undefined);
    } finally {
      await t.close();
    }
  });
}
