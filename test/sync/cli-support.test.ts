import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appNameFor, parseDuration, syncExitCode } from '../../src/sync/cli-support.ts';
import { isDriftguardError } from '../../src/core/errors.ts';
import type { SyncResult } from '../../src/sync/types.ts';

for (const [text, ms] of [['5m', 300_000], ['90s', 90_000], ['1h30m', 5_400_000], ['500ms', 500], ['30', 30_000], ['0', 0]] as const) {
  test(`parseDuration(${text}) = ${ms}`, () => assert.equal(parseDuration(text), ms));
}
for (const bad of ['', '5x', 'm5', '5m junk']) {
  test(`parseDuration rejects "${bad}"`, () => assert.throws(() => parseDuration(bad), (e: unknown) => isDriftguardError(e) && e.code === 'USAGE'));
}

for (const [explicit, root, path, want] of [
  [undefined, '/repo', 'apps/shop/overlays/prod', 'prod'],
  [undefined, '/srv/My Repo', '.', 'my-repo'],
  ['shop', '/repo', 'x', 'shop'],
] as const) {
  test(`appNameFor(${explicit}, ${path}) = ${want}`, () => assert.equal(appNameFor(explicit, root, path), want));
}
test('appNameFor rejects an --app that is not a label value', () => {
  assert.throws(() => appNameFor('Shop App', '/r', '.'), (e: unknown) => isDriftguardError(e) && e.code === 'USAGE');
});

const base: SyncResult = { app: 'a', cluster: 'c', dryRun: false, phase: 'Succeeded', health: 'Healthy', message: '', resources: [], counts: { applied: 0, pruned: 0, unchanged: 0, failed: 0, skipped: 0 }, durationMs: 1 };
for (const [name, r, code] of [
  ['healthy', base, 0],
  ['failed', { ...base, phase: 'Failed' }, 1],
  ['degraded', { ...base, health: 'Degraded' }, 4],
  ['health timed out', { ...base, health: 'Progressing', healthTimedOut: true }, 4],
  ['dry run ignores health', { ...base, dryRun: true, health: undefined }, 0],
] as const) {
  test(`syncExitCode: ${name} -> ${code}`, () => assert.equal(syncExitCode(r as SyncResult), code));
}
