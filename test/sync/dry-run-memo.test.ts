// A server diff skips the dry run of an object when neither its render nor its live version changed since
// its last dry run (src/kube/dry-run-memo.ts), and does dry-run it again as soon as
// either changes: the diff stays what the server says. ConfigMaps only: no controller touches them, so
// every live change is the test's own. Dry runs are counted as the client's writes on both backends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syncApp, diffApp } from '../../src/sync/index.ts';
import { gvkOf } from '../../src/kube/discovery.ts';
import { forEachBackend } from '../support/cluster-backend.ts';
import { cm, src } from './emulator-cluster.ts';

forEachBackend((backend) => {
  test(`[${backend.name}] server diff: no dry run while render and live are unchanged; a changed live object or render is dry-run again`, async () => {
    const t = await backend.start();
    try {
      const n = await t.namespace('memo');
      const app = n;
      const desiredOf = (b: string) => src([cm('a', n, { v: '1' }), cm('b', n, { v: b })]);
      const first = await syncApp({ cluster: t.cluster, app, namespace: n, desired: desiredOf('1'), prune: true, dryRun: false, timeoutMs: 60_000 });
      assert.equal(first.phase, 'Succeeded', first.message);
      const diff = async (b: string) => {
        t.resetWrites();
        const r = await diffApp({ cluster: t.cluster, app, namespace: n, desired: desiredOf(b), mode: 'server' });
        return { writes: t.writes(), modified: r.resources.filter((x) => x.modified).map((x) => x.name).sort() };
      };

      // The first diff asks the server about both (the sync's real applies are not taken for dry runs:
      // admission may treat the two differently); the next one asks nothing.
      assert.deepEqual(await diff('1'), { writes: 2, modified: [] });
      assert.deepEqual(await diff('1'), { writes: 0, modified: [] });

      // Another writer changes a: its live version moved, so a alone is dry-run, and the drift shows.
      const changed = await t.put(cm('a', n, { v: 'hand-edit' }));
      const cache = t.cluster.cacheFor(app);
      for (let i = 0; cache.get(gvkOf('v1', 'ConfigMap'), n, 'a')?.metadata.resourceVersion !== changed.metadata.resourceVersion; i++) {
        if (i > 400) assert.fail('the watch never delivered the change');
        await new Promise((r) => setTimeout(r, 25));
      }
      assert.deepEqual(await diff('1'), { writes: 1, modified: ['a'] });
      assert.deepEqual(await diff('1'), { writes: 0, modified: ['a'] }, 'the answer for the edited a is now known too');

      // The render of b changes: b alone is dry-run (a's answer still holds).
      assert.deepEqual(await diff('2'), { writes: 1, modified: ['a', 'b'] });
      assert.deepEqual(await diff('2'), { writes: 0, modified: ['a', 'b'] });
      // Back to the first render of b, whose answer against b's live version is still known.
      assert.deepEqual(await diff('1'), { writes: 0, modified: ['a'] });
    } finally {
      await t.close();
    }
  });
});
