import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuantity, quantitiesEqual } from '../../src/core/quantity.ts';

const equal: Array<[unknown, unknown]> = [
  ['1000m', '1'], ['0.5', '500m'], [0.5, '500m'], ['.5', '500m'], ['1Gi', '1073741824'], ['1e3', '1k'],
  ['1E3', '1000'], ['1.5Gi', '1536Mi'], ['100Mi', '104857600'], ['0', '0m'], [1, '1'], ['2k', '2000'],
  ['1Ki', '1024'], ['1u', '1000n'], ['0.1', '100m'], ['1e-3', '1m'], ['+1', '1'],
];
const different: Array<[unknown, unknown]> = [
  ['1G', '1Gi'], ['1001m', '1'], ['1k', '1Ki'], ['-1', '1'], ['1', '1.0000001'],
];
const invalid: unknown[] = ['abc', '1 Gi', '1Gb', '', null, {}, '1e999999', Number.NaN, 'Ki'];

for (const [a, b] of equal) test(`quantity ${JSON.stringify(a)} == ${JSON.stringify(b)}`, () => assert.equal(quantitiesEqual(a, b), true));
for (const [a, b] of different) test(`quantity ${JSON.stringify(a)} != ${JSON.stringify(b)}`, () => assert.equal(quantitiesEqual(a, b), false));
test('not quantities: never equal, even to themselves', () => {
  for (const v of invalid) {
    assert.equal(parseQuantity(v), undefined, String(v));
    assert.equal(quantitiesEqual(v, v), false);
  }
});
