import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffResource } from '../../src/core/diff/index.ts';

const cm = (v: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { k: v } });

test('unified diff headers name the compared sides', () => {
  const cases: Array<[{ from: string; to: string } | undefined, string, string]> = [
    [undefined, '--- live', '+++ desired'],
    [{ from: 'base', to: 'head' }, '--- base', '+++ head'],
    [{ from: 'live', to: 'base' }, '--- live', '+++ base'],
  ];
  for (const [labels, from, to] of cases) {
    const d = diffResource({ object: cm('b') }, cm('a'), labels ? { labels } : {});
    const [l1, l2] = d.diff.split('\n');
    assert.equal(l1, from);
    assert.equal(l2, to);
  }
});
