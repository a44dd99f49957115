// Ignore rules matched the way Argo CD matches ignoreDifferences (util/argo/normalizers
// HasIgnoreDifference: glob on group and kind, exact name/namespace when set).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffResource } from '../../src/core/diff/index.ts';
import { globMatch } from '../../src/core/diff/glob-match.ts';
import { parseManifestText } from '../../src/core/manifests/index.ts';
import type { IgnoreRule } from '../../src/core/diff/types.ts';

test('glob: * spans dots, ? one char, {a,b} alternatives, [..] classes, plain text exact', () => {
  const cases: Array<[string, string, boolean]> = [
    ['*', '', true],
    ['*', 'apps', true],
    ['', '', true],
    ['', 'apps', false],
    ['*.crossplane.io', 'compute.aws.crossplane.io', true],
    ['*.crossplane.io', 'crossplane.io', false],
    ['apps', 'apps', true],
    ['apps', 'apps.example.com', false],
    ['Deploy?ent', 'Deployment', true],
    ['{Deployment,StatefulSet}', 'StatefulSet', true],
    ['{Deployment,StatefulSet}', 'DaemonSet', false],
    ['[DS]*Set', 'StatefulSet', true],
    ['[!D]*Set', 'DaemonSet', false],
    ['networking.k8s.io', 'networkingxk8sxio', false],
  ];
  for (const [p, v, want] of cases) assert.equal(globMatch(p, v), want, `${JSON.stringify(p)} vs ${JSON.stringify(v)}`);
});

// TestBuiltinIgnoreDifferencesWildcardMatch (argo-cd util/argo/normalizers/builtin_ignore_test.go).
const foo = (toStrip: string) => `apiVersion: compute.aws.crossplane.io/v1beta1
kind: Foo
metadata:
  name: example
  annotations:
    toStrip: ${toStrip}
    keep: other
`;

const ruleCases: Array<{ name: string; rule: IgnoreRule; modified: boolean }> = [
  { name: 'group *.crossplane.io, kind * strips the annotation', rule: { group: '*.crossplane.io', kind: '*', jsonPointers: ['/metadata/annotations/toStrip'] }, modified: false },
  { name: 'group * , kind * (Argo\'s "every resource" rule)', rule: { group: '*', kind: '*', jsonPointers: ['/metadata/annotations/toStrip'] }, modified: false },
  { name: 'another group does not match', rule: { group: '*.upbound.io', kind: '*', jsonPointers: ['/metadata/annotations/toStrip'] }, modified: true },
  { name: 'core group "" does not match a named group', rule: { group: '', kind: 'Foo', jsonPointers: ['/metadata/annotations/toStrip'] }, modified: true },
  { name: 'a name that differs does not match', rule: { group: '*', kind: 'Foo', name: 'other', jsonPointers: ['/metadata/annotations/toStrip'] }, modified: true },
];

for (const c of ruleCases) {
  test(`ignore rule: ${c.name}`, () => {
    const desired = parseManifestText('d.yaml', foo('value'))[0]!;
    const live = parseManifestText('l.yaml', foo('changed-by-controller'))[0]!.object;
    const r = diffResource(desired, live, { ignore: [c.rule], isNamespaced: () => false });
    assert.equal(r.modified, c.modified, r.diff);
    if (c.modified) assert.ok(r.diff.includes('toStrip'), r.diff);
  });
}
