import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, isRetryableStatus, retryAfterMs } from '../../src/kube/backoff.ts';

const policy = { retries: 5, baseMs: 100, maxMs: 2_000 };

for (const [attempt, lo, hi] of [[0, 50, 100], [1, 100, 200], [3, 400, 800], [10, 1_000, 2_000]] as const) {
  test(`backoffDelay attempt ${attempt} is within [${lo}, ${hi}] and grows`, () => {
    assert.equal(backoffDelay(attempt, policy, () => 0), lo);
    assert.equal(backoffDelay(attempt, policy, () => 1), hi);
  });
}

const retryAfter: Array<[string | null, number | undefined]> = [
  ['2', 2_000], ['0', 0], ['30', 5_000], [null, undefined], ['soon', undefined],
  [new Date(1_000_000 + 3_000).toUTCString(), 3_000],
];
for (const [header, want] of retryAfter) {
  test(`retryAfterMs(${JSON.stringify(header)})`, () => assert.equal(retryAfterMs(header, 5_000, 1_000_000), want));
}

for (const [status, want] of [[429, true], [500, true], [503, true], [504, true], [400, false], [404, false], [409, false], [422, false]] as const) {
  test(`status ${status} retryable=${want}`, () => assert.equal(isRetryableStatus(status), want));
}
