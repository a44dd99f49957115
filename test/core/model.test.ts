import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyOf, keyString, displayKey, parseApiVersion } from '../../src/core/model/object.ts';
import { listTypeAt } from '../../src/core/schema/list-keys.ts';

test('resource keys', () => {
  const k = keyOf({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } }, 'prod');
  assert.deepEqual(k, { group: 'apps', kind: 'Deployment', namespace: 'prod', name: 'web' });
  assert.equal(keyString(k), 'apps/Deployment/prod/web');
  assert.equal(displayKey(k), 'Deployment.apps prod/web');
  assert.deepEqual(parseApiVersion('v1'), { group: '', version: 'v1' });
});

test('list types follow SMP and SSA markers', () => {
  assert.deepEqual(listTypeAt('Deployment', ['spec', 'template', 'spec', 'containers', 'ports'])?.ssaKeys, ['containerPort', 'protocol']);
  assert.equal(listTypeAt('Service', ['spec', 'ports'])?.smpKey, 'port');
  assert.equal(listTypeAt('Ingress', ['spec', 'ports']), undefined);
  assert.equal(listTypeAt('Deployment', ['spec', 'template', 'spec', 'tolerations']), undefined);
});
