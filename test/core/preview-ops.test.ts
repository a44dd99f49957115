// The pure parts of preview operations: what the sweeper does with a recorded preview, whether a
// fork's head may run in a preview, and the waiting line under the repository's limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideSweep, formatDuration, KEEP_PREVIEW_LABEL, removalMessage, type SweepDecision, type SweepInput } from '../../src/core/preview/sweep-decision.ts';
import { previewForkGate } from '../../src/core/preview/fork-gate.ts';
import { waitingForSlotNote } from '../../src/core/preview/waiting-note.ts';

const HOUR = 3600_000;
const T0 = Date.UTC(2026, 0, 1);
const open = { state: 'open' as const, labels: [] as string[] };

test('decideSweep: the table', () => {
  const base: SweepInput = { now: T0 + HOUR, ttlMs: 72 * HOUR, lastPushAt: T0, namespace: { owned: true }, pr: open };
  const cases: Array<[string, Partial<SweepInput>, SweepDecision]> = [
    ['open, pushed an hour ago: kept until the TTL runs out', {}, { action: 'keep', why: 'open', expiresAt: T0 + 72 * HOUR }],
    ['closed (a missed close webhook)', { pr: { state: 'closed', labels: [] } }, { action: 'remove', reason: 'closed' }],
    ['the PR is gone (404)', { pr: 'not-found' }, { action: 'remove', reason: 'pr-gone' }],
    ['no push for the TTL', { now: T0 + 72 * HOUR }, { action: 'remove', reason: 'expired' }],
    ['one millisecond before the TTL', { now: T0 + 72 * HOUR - 1 }, { action: 'keep', why: 'open', expiresAt: T0 + 72 * HOUR }],
    ['expired but labelled keep', { now: T0 + 1000 * HOUR, pr: { state: 'open', labels: ['bug', KEEP_PREVIEW_LABEL] } }, { action: 'keep', why: 'kept-by-label' }],
    ['the keep label does not keep a closed PR\'s preview', { pr: { state: 'closed', labels: [KEEP_PREVIEW_LABEL] } }, { action: 'remove', reason: 'closed' }],
    ['a namespace Driftguard did not create, PR closed: left alone', { namespace: { owned: false }, pr: { state: 'closed', labels: [] } }, { action: 'leave-alone', why: 'not-ours' }],
    ['a namespace Driftguard did not create, expired: left alone', { namespace: { owned: false }, now: T0 + 100 * HOUR }, { action: 'leave-alone', why: 'not-ours' }],
    ['a namespace Driftguard did not create, PR gone: left alone', { namespace: { owned: false }, pr: 'not-found' }, { action: 'leave-alone', why: 'not-ours' }],
    ['no namespace (already deleted, or never created) and the PR closed: the down path still reports', { namespace: undefined, pr: { state: 'closed', labels: [] } }, { action: 'remove', reason: 'closed' }],
    ['no namespace, PR open and fresh: kept (a creation may be under way)', { namespace: undefined }, { action: 'keep', why: 'open', expiresAt: T0 + 72 * HOUR }],
    ['a label that only looks like the keep label', { now: T0 + 100 * HOUR, pr: { state: 'open', labels: ['driftguard:keep'] } }, { action: 'remove', reason: 'expired' }],
  ];
  for (const [name, over, want] of cases) assert.deepEqual(decideSweep({ ...base, ...over }), want, name);
});

test('removalMessage says why the preview is gone; formatDuration', () => {
  assert.match(removalMessage('expired', 72 * HOUR), /no push for 72h \(the preview TTL\).*`driftguard:keep-preview` label/);
  assert.match(removalMessage('closed', HOUR), /closed/);
  assert.match(removalMessage('pr-gone', HOUR), /no longer exists/);
  const durations: Array<[number, string]> = [[45_000, '45s'], [5 * 60_000, '5m'], [90 * 60_000, '90m'], [2 * HOUR, '2h'], [72 * HOUR, '72h'], [14 * 24 * HOUR, '14d']];
  for (const [ms, text] of durations) assert.equal(formatDuration(ms), text);
});

test('previewForkGate: a fork runs only the head SHA approved for a preview', () => {
  const head = 'b'.repeat(40);
  const old = 'a'.repeat(40);
  assert.deepEqual(previewForkGate({ fork: false, headSha: head }), { allowed: true });
  const approval = { sha: head, by: 'wendy', at: '2026-01-01T00:00:00.000Z' };
  assert.deepEqual(previewForkGate({ fork: true, headSha: head, approval, latest: approval }), { allowed: true, approval });
  // An approval record of another SHA passed by mistake still does not open the gate.
  assert.equal(previewForkGate({ fork: true, headSha: head, approval: { ...approval, sha: old } }).allowed, false);

  const waiting = previewForkGate({ fork: true, headSha: head });
  assert.equal(waiting.allowed, false);
  assert.ok(!waiting.allowed && waiting.note.includes(`\`/driftguard preview ${head}\``), 'offers the pinned command');
  assert.ok(!waiting.allowed && !waiting.note.includes('needs a new approval'));

  const pushed = previewForkGate({ fork: true, headSha: head, latest: { ...approval, sha: old } });
  assert.ok(!pushed.allowed && pushed.note.includes(`@wendy approved a preview of \`aaaaaaa\` at 2026-01-01T00:00:00.000Z; the push of \`bbbbbbb\` needs a new approval.`), JSON.stringify(pushed));
});

test('waitingForSlotNote: the place in the queue', () => {
  assert.match(waitingForSlotNote(1, 3), /limit of 3 previews; it is next in line/);
  assert.match(waitingForSlotNote(2, 1), /limit of 1 preview; 1 preview is ahead of it/);
  assert.match(waitingForSlotNote(4, 2), /3 previews are ahead of it/);
});
