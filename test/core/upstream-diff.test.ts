// Our offline diff against the live/desired pairs Argo CD's gitops-engine tests its diff with
// (test/fixtures/upstream/, see README there): same Modified verdict as Argo's test asserts
// wherever the two are comparable (see `why` in upstream-diff-cases.ts where they are not).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffResource } from '../../src/core/diff/index.ts';
import { PENDING_DIFF_CASES, UPSTREAM_DIFF_CASES, loadUpstream } from './upstream-diff-cases.ts';

const cases = UPSTREAM_DIFF_CASES.filter((c) => !PENDING_DIFF_CASES.has(c.argoTest));

test('upstream diff table covers Argo\'s three-way, SMD and SSD tests', () => {
  assert.ok(cases.length >= 20, `only ${cases.length} committed cases`);
  assert.ok(cases.some((c) => c.argoTest.startsWith('TestStructuredMergeDiff/')));
  assert.ok(cases.some((c) => c.argoTest.startsWith('TestServerSideDiff/')));
});

for (const c of cases) {
  test(`${c.argoTest}: ${c.config} vs ${c.live} is ${c.expectModified ? 'modified' : 'in sync'}`, () => {
    const config = loadUpstream(c.config);
    const live = loadUpstream(c.live);
    c.mutateConfig?.(config);
    c.mutateLive?.(live);
    const r = diffResource({ object: config }, live, c.opts);
    assert.equal(r.modified, c.expectModified, `argo says ${c.argoModified}${c.why ? ` (${c.why})` : ''}; our diff:\n${r.diff}`);
    assert.equal(r.action, c.expectModified ? 'update' : 'none');
    const paths = r.patch.map((op) => op.path);
    for (const p of c.patchHas ?? []) assert.ok(paths.some((x) => x === p || x.startsWith(`${p}/`)), `patch lacks ${p}: ${JSON.stringify(r.patch)}`);
    for (const p of c.patchLacks ?? []) assert.ok(!paths.some((x) => x === p || x.startsWith(`${p}/`)), `patch has ${p}: ${JSON.stringify(r.patch)}`);
    if (c.expectModified) {
      assert.ok(r.patch.length > 0, 'a modified resource carries a patch');
      assert.ok(r.diff.startsWith('--- live'), 'a modified resource carries a unified diff');
    } else {
      assert.deepEqual(r.patch, []);
      assert.equal(r.diff, '');
    }
  });
}

// TestThreeWayDiffExample2WithDifference also checks which lines the diff shows.
test('elasticsearch label edits show as one added, one removed and one changed label', () => {
  const c = UPSTREAM_DIFF_CASES.find((x) => x.argoTest === 'TestThreeWayDiffExample2WithDifference')!;
  const config = loadUpstream(c.config);
  c.mutateConfig!(config);
  const r = diffResource({ object: config }, loadUpstream(c.live), c.opts);
  const lines = r.diff.split('\n');
  assert.equal(lines.filter((l) => /^\+\s+foo: bar$/.test(l)).length, 1, r.diff);
  assert.equal(lines.filter((l) => /^-\s+release: elasticsearch4$/.test(l)).length, 1, r.diff);
  assert.equal(lines.filter((l) => /^-\s+chart: elasticsearch-1\.7\.0$/.test(l)).length, 1, r.diff);
  assert.equal(lines.filter((l) => /^\+\s+chart: elasticsearch-1\.7\.1$/.test(l)).length, 1, r.diff);
});

// TestRedactedSecretData: a changed Secret value is visible as a change, never as the value.
test('wordpress Secret with changed values is modified and prints no value', () => {
  const c = UPSTREAM_DIFF_CASES.find((x) => x.argoTest === 'TestRedactedSecretData')!;
  const config = loadUpstream(c.config);
  const live = loadUpstream(c.live);
  c.mutateConfig!(config);
  c.mutateLive!(live);
  const r = diffResource({ object: config }, live, c.opts);
  assert.ok(r.modified);
  const text = r.diff + JSON.stringify(r.patch);
  for (const v of ['++++++++++++', 'KytrKysrKys', 'Skt2T0tjMk5PdQ==']) assert.ok(!text.includes(v), `diff leaks ${v}`);
});
