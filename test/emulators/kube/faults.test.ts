// Fault injection (latency, 500, 429 + Retry-After, dropped connections) and request counters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createNamespace, withEmulator } from './helpers.ts';

const CMS = '/api/v1/namespaces/shop/configmaps';
const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });

test('faults apply per verb and resource, by count, then clear', async () => {
  await withEmulator({ controllers: false }, async (e) => {
    await createNamespace(e, 'shop');
    e.faults.add({ verb: 'create', resource: 'configmaps', status: 500, count: 1 });
    const failed = await call(e, 'POST', CMS, cm('a'));
    assert.equal(failed.status, 500);
    assert.equal(failed.body.reason, 'InternalError');
    assert.equal((await call(e, 'GET', CMS)).status, 200, 'other verbs unaffected');
    assert.equal((await call(e, 'POST', CMS, cm('a'))).status, 201, 'count exhausted');

    const remove = e.faults.add({ verb: ['get', 'list'], resource: 'configmaps', status: 429, retryAfterSeconds: 3 });
    const limited = await call(e, 'GET', `${CMS}/a`);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '3');
    assert.equal(limited.body.reason, 'TooManyRequests');
    assert.equal(limited.body.details.retryAfterSeconds, 3);
    assert.equal((await call(e, 'GET', '/api/v1/namespaces/shop/secrets')).status, 200, 'other resources unaffected');
    remove();
    assert.equal((await call(e, 'GET', `${CMS}/a`)).status, 200);

    e.faults.add({ resource: 'apps/deployments', drop: true, count: 1 });
    await assert.rejects(call(e, 'GET', '/apis/apps/v1/namespaces/shop/deployments'), /socket hang up|ECONNRESET/);
    assert.equal((await call(e, 'GET', '/apis/apps/v1/namespaces/shop/deployments')).status, 200);

    e.faults.add({ verb: 'delete', status: 503, probability: 0 });
    assert.equal((await call(e, 'DELETE', `${CMS}/a`)).status, 200, 'probability 0 never fires');

    e.faults.add({ latencyMs: 1, status: 500 });
    assert.equal((await call(e, 'GET', CMS)).status, 500);
    e.faults.clear();
    assert.equal((await call(e, 'GET', CMS)).status, 200);
  });
});

test('counters count requests per verb and resource and reset', async () => {
  await withEmulator({ controllers: false }, async (e) => {
    await createNamespace(e, 'shop');
    e.counters.reset();
    await call(e, 'POST', CMS, cm('a'));
    await call(e, 'POST', CMS, cm('b'));
    await call(e, 'GET', `${CMS}/a`);
    await call(e, 'GET', CMS);
    await call(e, 'PATCH', `${CMS}/a`, { data: { x: '1' } }, { 'Content-Type': 'application/merge-patch+json' });
    await call(e, 'PUT', `${CMS}/b`, (await call(e, 'GET', `${CMS}/b`)).body);
    await call(e, 'DELETE', `${CMS}/b`);
    await call(e, 'GET', '/apis/apps/v1/namespaces/shop/deployments/x/scale');
    await call(e, 'GET', '/api');
    assert.deepEqual(
      { create: e.counters.get('create', 'configmaps'), get: e.counters.get('get', 'configmaps'), list: e.counters.get('list', 'configmaps'), patch: e.counters.get('patch'), update: e.counters.get('update'), delete: e.counters.get('delete'), scale: e.counters.get('get', 'deployments/scale'), discovery: e.counters.get('discovery') },
      { create: 2, get: 2, list: 1, patch: 1, update: 1, delete: 1, scale: 1, discovery: 1 },
    );
    assert.equal(e.counters.writes(), 5);
    assert.equal(e.counters.total(), 9);
    e.counters.reset();
    assert.equal(e.counters.total(), 0);
    assert.deepEqual(e.counters.snapshot(), {});
  });
});
