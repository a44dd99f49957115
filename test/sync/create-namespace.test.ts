// Per-app createNamespace (repo config): validated at file:line; the sync creates the app's namespace
// with the configured labels and annotations, on both backends, and never deletes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRepoConfig } from '../../src/core/config/index.ts';
import { syncApp } from '../../src/sync/index.ts';
import { isDriftguardError } from '../../src/core/errors.ts';
import { forEachBackend } from '../support/cluster-backend.ts';
import { cm, src } from './emulator-cluster.ts';

const config = (createNamespace: string) => `apps:
  - name: shop
    path: deploy/shop
    cluster: prod
    namespace: shop
    createNamespace: ${createNamespace}
`;

test('repo config: createNamespace true or with labels/annotations; a bad label is an error at its line', () => {
  assert.deepEqual(parseRepoConfig('c.yml', config('true')).apps[0]!.createNamespace, { labels: {}, annotations: {} });
  const app = parseRepoConfig('c.yml', config('\n      labels: {team: payments, "example.com/tier": gold}\n      annotations: {owner: "payments team"}')).apps[0]!;
  assert.deepEqual(app.createNamespace, { labels: { team: 'payments', 'example.com/tier': 'gold' }, annotations: { owner: 'payments team' } });
  assert.equal(parseRepoConfig('c.yml', config('false')).apps[0]!.createNamespace, undefined);
  const bad: Array<[string, number, RegExp]> = [
    ['\n      labels:\n        team: "not ok"', 8, /labels.team: "not ok" is not valid/],
    ['\n      labels: {"bad key!": x}', 7, /bad key!/],
    ['\n      lables: {team: x}', 7, /lables/],
  ];
  for (const [text, line, message] of bad) {
    assert.throws(() => parseRepoConfig('c.yml', config(text)), (e: unknown) => {
      assert.ok(isDriftguardError(e) && e.code === 'CONFIG_INVALID', String(e));
      assert.equal(e.location?.file, 'c.yml');
      assert.equal(e.location?.line, line, e.message);
      assert.match(e.message, message);
      return true;
    });
  }
});

forEachBackend((backend) => {
  test(`[${backend.name}] createNamespace: the sync creates the app's namespace with its labels and annotations and never deletes it`, async () => {
    const t = await backend.start();
    try {
      const ns = await t.namespace('created', { create: false });
      const app = t.unique('shop');
      const meta = { labels: { team: 'payments' }, annotations: { owner: 'payments team' } };
      const r = await syncApp({ cluster: t.cluster, app, namespace: ns, desired: src([cm('settings', ns)]), prune: true, dryRun: false, timeoutMs: 60_000, createNamespace: meta });
      assert.equal(r.phase, 'Succeeded', r.message);
      const live = await t.get('v1', 'Namespace', undefined, ns);
      assert.equal(live?.metadata.labels?.team, 'payments');
      assert.equal(live?.metadata.annotations?.owner, 'payments team');
      assert.ok(await t.get('v1', 'ConfigMap', ns, 'settings'));
      // The option removed and prune on: the namespace (and so the app's objects) stays.
      const later = await syncApp({ cluster: t.cluster, app, namespace: ns, desired: src([cm('settings', ns)]), prune: true, dryRun: false, timeoutMs: 60_000 });
      assert.equal(later.phase, 'Succeeded', later.message);
      assert.match(later.resources.find((x) => x.kind === 'Namespace')!.message!, /kept by sync option Delete=false/);
      assert.equal((await t.get('v1', 'Namespace', undefined, ns))?.metadata.deletionTimestamp, undefined);
    } finally {
      await t.close();
    }
  });
});
