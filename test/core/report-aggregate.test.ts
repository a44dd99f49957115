// The aggregated check run: a table of every app with its outcome, failing apps first, details of the
// failing and changed ones, within GitHub's summary and text limits however many apps there are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderAggregateCheckRun, CHECK_RUN_SUMMARY_MAX_CHARS, CHECK_RUN_TEXT_MAX_CHARS, type AggregateEntry } from '../../src/core/report/index.ts';

const SHA = 'abcdef0123456789abcdef0123456789abcdef01';
const ok = (app: string, changed = false): AggregateEntry => ({ app, conclusion: 'success', title: changed ? 'Synced: 1 created' : 'In sync', summary: `details of ${app}`, ...(changed ? { changed } : {}) });
const bad = (app: string): AggregateEntry => ({ app, conclusion: 'failure', title: 'Render failed: nothing was applied', summary: `why ${app} failed` });

const cases: Array<{ name: string; apps: string[]; entries: AggregateEntry[]; conclusion: string; title: string; firstRow: RegExp; text: RegExp[]; notText?: RegExp[] }> = [
  { name: 'all in sync', apps: ['a', 'b'], entries: [ok('a'), ok('b')], conclusion: 'success', title: 'Synced 2 apps at abcdef0', firstRow: /^\| a \| ✅ success \| In sync \|$/, text: [], notText: [/###/] },
  { name: 'one failing: failure, listed first, its details in the text', apps: ['a', 'b', 'c'], entries: [ok('a', true), bad('b'), ok('c')], conclusion: 'failure', title: 'Synced 3 apps at abcdef0: 1 failure', firstRow: /^\| b \| ❌ failure \|/, text: [/### b: Render failed/, /why b failed/, /### a: Synced: 1 created/], notText: [/### c/] },
  { name: 'skipped and cancelled do not fail the run', apps: ['a', 'b'], entries: [{ ...ok('a'), conclusion: 'skipped', title: 'Superseded by a newer push' }, { ...ok('b'), conclusion: 'cancelled' }], conclusion: 'success', title: 'Synced 2 apps at abcdef0: 1 skipped, 1 cancelled', firstRow: /^\| a \| ⏭ skipped \|/, text: [] },
  { name: 'an app that never reported is listed as such', apps: ['a', 'b'], entries: [ok('a')], conclusion: 'success', title: 'Synced 2 apps at abcdef0: 1 neutral', firstRow: /^\| a \|/, text: [] },
  { name: 'pipes in titles do not break the table', apps: ['a'], entries: [{ ...ok('a'), title: 'x | y' }], conclusion: 'success', title: 'Synced 1 apps at abcdef0', firstRow: /^\| a \| ✅ success \| x \\\| y \|$/, text: [] },
];

for (const c of cases) {
  test(`aggregate: ${c.name}`, () => {
    const out = renderAggregateCheckRun({ sha: SHA, verb: 'Synced', apps: c.apps, entries: c.entries });
    assert.equal(out.conclusion, c.conclusion);
    assert.equal(out.title, c.title);
    const rows = out.summary.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| App') && !l.startsWith('| ---'));
    assert.equal(rows.length, c.apps.length);
    assert.match(rows[0], c.firstRow);
    for (const r of c.text) assert.match(out.text, r);
    for (const r of c.notText ?? []) assert.doesNotMatch(out.text, r);
  });
}

test('aggregate: 500 apps with long details stay within the summary and text limits, failing ones kept', () => {
  const apps = Array.from({ length: 500 }, (_, i) => `app-${String(i).padStart(3, '0')}`);
  const entries = apps.map((a, i) => (i % 50 === 7 ? { ...bad(a), summary: 'x'.repeat(10_000) } : { ...ok(a, i % 3 === 0), summary: 'y'.repeat(5_000) }));
  const out = renderAggregateCheckRun({ sha: SHA, verb: 'Synced', apps, entries });
  assert.ok(out.summary.length <= CHECK_RUN_SUMMARY_MAX_CHARS);
  assert.ok(out.text.length <= CHECK_RUN_TEXT_MAX_CHARS);
  assert.equal(out.conclusion, 'failure');
  // The ten failing apps come first in the table and in the details.
  const rows = out.summary.split('\n').filter((l) => /^\| app-/.test(l));
  assert.ok(rows.slice(0, 10).every((r) => r.includes('❌ failure')));
  assert.match(out.text, /^### app-007: Render failed/);
  assert.match(out.text, /… details of \d+ more apps left out/);
});

test('aggregate: a table longer than the summary limit says how many apps are left out', () => {
  const apps = Array.from({ length: 50 }, (_, i) => `app-${i}`);
  const out = renderAggregateCheckRun({ sha: SHA, verb: 'Synced', apps, entries: apps.map((a) => ok(a)), maxSummary: 1_000 });
  assert.ok(out.summary.length <= 1_000);
  const shown = out.summary.split('\n').filter((l) => /^\| app-/.test(l)).length;
  assert.ok(shown > 0 && shown < 50);
  assert.match(out.summary, new RegExp(`… and ${50 - shown} more apps`));
});
