import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests, parseManifestText } from '../../src/core/manifests/index.ts';
import { DriftguardError } from '../../src/core/errors.ts';

const cm = (name: string, extra = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}`;

function caught(fn: () => unknown): DriftguardError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DriftguardError, `expected DriftguardError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

test('multi-document YAML: empty documents skipped, each object keeps its line', () => {
  const text = `# leading comment\n---\n${cm('a')}---\n---\n# only a comment\n---\n${cm('b')}...\n`;
  const objs = parseManifestText('app/cm.yaml', text);
  assert.deepEqual(objs.map((o) => [o.object.metadata.name, o.source?.line]), [['a', 3], ['b', 11]]);
  assert.equal(objs[0]!.source?.file, 'app/cm.yaml');
});

test('List kinds are expanded with each item at its own line', () => {
  const text = [
    'apiVersion: v1',
    'kind: List',
    'items:',
    '- apiVersion: v1',
    '  kind: ConfigMap',
    '  metadata: {name: one}',
    '- apiVersion: v1',
    '  kind: ConfigMapList',
    '  items:',
    '  - apiVersion: v1',
    '    kind: ConfigMap',
    '    metadata: {name: two}',
    '',
  ].join('\n');
  const objs = parseManifestText('list.yaml', text);
  assert.deepEqual(objs.map((o) => [o.object.metadata.name, o.source?.line]), [['one', 4], ['two', 10]]);
});

test('JSON files parse, tabs and all', () => {
  const text = '{\n\t"apiVersion": "v1",\n\t"kind": "ConfigMap",\n\t"metadata": {"name": "j"},\n\t"data": {"on": "yes"}\n}\n';
  const [o] = parseManifestText('cm.json', text);
  assert.deepEqual(o!.object.data, { on: 'yes' });
  assert.equal(o!.source?.line, 1);
});

test('YAML 1.1 scalars resolve as sigs.k8s.io/yaml (go-yaml v2) does', () => {
  const text = cm('x', 'data:\n  on: yes\n  b: Off\n  no: n\n  when: 2001-12-14\n  mode: 0644\n  sexa: 1:20\n  q: "yes"\n  big: 1_000\n');
  const [o] = parseManifestText('x.yaml', text);
  assert.deepEqual(o!.object.data, { true: true, b: false, false: false, when: '2001-12-14', mode: 420, sexa: '1:20', q: 'yes', big: 1000 });
});

test('generateName is accepted in place of name', () => {
  const [o] = parseManifestText('job.yaml', 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: migrate-\n');
  assert.equal(o!.object.metadata.generateName, 'migrate-');
});

// Locations point at the mistake, not where the parser gave up: the over-indented line (the parser
// stops at the value above it), the opening quote or bracket (the parser stops at the end of input).
const syntaxCases: Array<{ name: string; text: string; line: number; column: number; msg: RegExp; quoted: string }> = [
  { name: 'tab indentation', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n', line: 4, column: 1, msg: /indented with a tab.*spaces/i, quoted: '\tname: x' },
  { name: 'bad indentation', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   namespace: y\n', line: 5, column: 4, msg: /line 5 is indented more than `name` on line 4.*column 3/, quoted: '   namespace: y' },
  { name: 'duplicate key', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  name: y\n', line: 5, column: 3, msg: /`name` appears twice.*unique/i, quoted: '  name: y' },
  { name: 'unclosed quote', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "x\n', line: 4, column: 9, msg: /opened on line 4 is never closed.*quote/i, quoted: '  name: "x' },
  { name: 'error in the second document', text: `${cm('ok')}---\nkind: [\n`, line: 6, column: 7, msg: /list opened with `\[` on line 6 is never closed/, quoted: 'kind: [' },
  { name: 'key misaligned inside a list item', text: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: nginx\n     ports: []\n', line: 9, column: 6, msg: /starts at column 6.*keys of one mapping must start at the same column; did you mean column 7/, quoted: '     ports: []' },
  { name: 'no space after the colon', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name:x\n  namespace: y\n', line: 4, column: 8, msg: /`name:x` has no space after the colon.*`name: x`/, quoted: '  name:x' },
  { name: 'colon inside a plain value', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  url: host: 80\n', line: 6, column: 8, msg: /contains `: `.*quote it: url: "host: 80"/, quoted: '  url: host: 80' },
  { name: 'list item among mapping keys', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  - y\n', line: 5, column: 3, msg: /list item \(`- y`\) stands among the keys of a mapping/, quoted: '  - y' },
];
for (const c of syntaxCases) {
  test(`YAML_SYNTAX: ${c.name} → file:line:column in plain words, the line quoted`, () => {
    const e = caught(() => parseManifestText('deploy/app.yaml', c.text));
    assert.equal(e.code, 'YAML_SYNTAX');
    assert.deepEqual(e.location, { file: 'deploy/app.yaml', line: c.line, column: c.column });
    assert.match(e.message, c.msg);
    const text = e.toString();
    assert.match(text, new RegExp(`^deploy/app\\.yaml:${c.line}:${c.column}: `));
    // The offending line follows, numbered, with a caret under the column.
    const [, quoted, caret] = text.split('\n');
    assert.equal(quoted, `  ${c.line} | ${c.quoted.replace(/\t/g, ' ')}`);
    assert.equal(caret!.indexOf('^') - caret!.indexOf('|') - 2, c.column - 1);
  });
}

const invalidCases: Array<{ name: string; text: string; line: number; msg: RegExp }> = [
  { name: 'scalar document', text: `${cm('a')}---\njust a string\n`, line: 6, msg: /mapping/ },
  { name: 'list document', text: '- a\n- b\n', line: 1, msg: /list/ },
  { name: 'no apiVersion', text: 'kind: ConfigMap\nmetadata:\n  name: a\n', line: 1, msg: /apiVersion/ },
  { name: 'no kind', text: 'apiVersion: v1\nmetadata:\n  name: a\n', line: 1, msg: /kind/ },
  { name: 'no name', text: `${cm('a')}---\n\napiVersion: v1\nkind: Service\nmetadata:\n  labels: {a: b}\n`, line: 7, msg: /Service object has no metadata\.name/ },
  { name: 'invalid List item', text: 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {}\n', line: 4, msg: /metadata\.name/ },
];
for (const c of invalidCases) {
  test(`MANIFEST_INVALID: ${c.name} at the document's line`, () => {
    const e = caught(() => parseManifestText('m.yaml', c.text));
    assert.equal(e.code, 'MANIFEST_INVALID');
    assert.equal(e.location?.file, 'm.yaml');
    assert.equal(e.location?.line, c.line);
    assert.match(e.message, c.msg);
  });
}

test('alias bomb (billion laughs) is refused with YAML_LIMIT', () => {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 10; i++) {
    const p = String.fromCharCode(96 + i);
    const n = String.fromCharCode(97 + i);
    levels.push(`${n}: &${n} [${Array(9).fill(`*${p}`).join(',')}]`);
  }
  const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n${levels.map((l) => `  ${l}`).join('\n')}\n`;
  const e = caught(() => parseManifestText('bomb.yaml', text));
  assert.equal(e.code, 'YAML_LIMIT');
  assert.match(e.message, /alias/);
  assert.equal(e.location?.file, 'bomb.yaml');
});

test('a few legitimate aliases and merge keys still work', () => {
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m\n  labels: &l {app: web}\n  annotations:\n    <<: *l\n    extra: "1"\n';
  const [o] = parseManifestText('m.yaml', text);
  assert.deepEqual(o!.object.metadata.annotations, { app: 'web', extra: '1' });
});

test('files over the size limit are refused (default 10 MiB, configurable)', () => {
  const small = cm('big', `data:\n  blob: "${'x'.repeat(2000)}"\n`);
  const e = caught(() => parseManifestText('big.yaml', small, { maxFileBytes: 1024 }));
  assert.equal(e.code, 'YAML_LIMIT');
  assert.match(e.message, /1024-byte limit/);
  const huge = cm('huge', `data:\n  blob: "${'x'.repeat(10 * 1024 * 1024)}"\n`);
  assert.equal(caught(() => parseManifestText('huge.yaml', huge)).code, 'YAML_LIMIT');
  assert.equal(parseManifestText('big.yaml', small).length, 1);
});

test('deeply nested flow collections are refused instead of exhausting the stack', () => {
  const e = caught(() => parseManifestText('deep.yaml', `a: ${'['.repeat(100_000)}\n`));
  assert.equal(e.code, 'YAML_LIMIT');
  assert.equal(e.location?.line, 1);
});

test('duplicates across files name both places', () => {
  const e = caught(() =>
    parseManifests([
      { file: 'base/cm.yaml', text: `${cm('a')}---\n${cm('shared', '  namespace: shop\n')}` },
      { file: 'overlay/cm.yaml', text: `\n\n${cm('shared', '  namespace: shop\n')}` },
    ]),
  );
  assert.equal(e.code, 'DUPLICATE_OBJECT');
  assert.match(e.message, /ConfigMap shop\/shared/);
  assert.match(e.message, /base\/cm\.yaml:6/);
  assert.match(e.message, /overlay\/cm\.yaml:3/);
  assert.deepEqual(e.location, { file: 'overlay/cm.yaml', line: 3, column: 1 });
  assert.deepEqual(e.related, [{ file: 'base/cm.yaml', line: 6, column: 1 }]);
});

test('duplicates within one file; same name in other kind/namespace/group is fine', () => {
  const e = caught(() => parseManifests([{ file: 'a.yaml', text: `${cm('x')}---\n${cm('x')}` }]));
  assert.match(e.message, /a\.yaml:1 and at a\.yaml:6/);
  const ok = parseManifests([
    {
      file: 'b.yaml',
      text: [cm('x'), cm('x', '  namespace: other\n'), 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n', 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: x-\n', 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: x-\n'].join('---\n'),
    },
  ]);
  assert.equal(ok.length, 5);
});

test('duplicates: the default namespace, when given, makes "no namespace" and "namespace: default" one object', () => {
  const twice = [
    { file: 'base/cm.yaml', text: cm('settings') },
    { file: 'overlay/cm.yaml', text: cm('settings', '  namespace: default\n') },
  ];
  // Without a default namespace the identity is as written: two different keys.
  assert.equal(parseManifests(twice).length, 2);
  const e = caught(() => parseManifests(twice, undefined, { defaultNamespace: 'default' }));
  assert.equal(e.code, 'DUPLICATE_OBJECT');
  assert.match(e.message, /ConfigMap default\/settings is defined twice: at base\/cm\.yaml:1 and at overlay\/cm\.yaml:1/);
  // Another default namespace: `namespace: default` is a different object from the unqualified one.
  assert.equal(parseManifests(twice, undefined, { defaultNamespace: 'shop' }).length, 2);
  // Discovery says the kind is namespaced or not; a CRD-defined cluster-scoped kind ignores namespaces.
  const crs = [
    { file: 'a.yaml', text: 'apiVersion: example.com/v1\nkind: Tenant\nmetadata:\n  name: acme\n' },
    { file: 'b.yaml', text: 'apiVersion: example.com/v1\nkind: Tenant\nmetadata:\n  name: acme\n  namespace: default\n' },
  ];
  assert.equal(parseManifests(crs, undefined, { defaultNamespace: 'shop' }).length, 2);
  const ce = caught(() => parseManifests(crs, undefined, { defaultNamespace: 'shop', isNamespaced: (g, k) => (g === 'example.com' && k === 'Tenant' ? false : undefined) }));
  assert.match(ce.message, /Tenant\.example\.com acme is defined twice/);
});

test('duplicates: cluster-scoped kinds ignore a namespace written on them, whatever the default', () => {
  const role = (ns: string) => `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\n${ns}rules: []\n`;
  const e = caught(() => parseManifests([
    { file: 'a.yaml', text: role('') },
    { file: 'b.yaml', text: role('  namespace: monitoring\n') },
  ]));
  assert.equal(e.code, 'DUPLICATE_OBJECT');
  assert.match(e.message, /ClusterRole\.rbac\.authorization\.k8s\.io reader is defined twice/);
  // Namespaced kinds in different namespaces stay distinct even with a default.
  assert.equal(parseManifests([
    { file: 'a.yaml', text: cm('x', '  namespace: a\n') },
    { file: 'b.yaml', text: cm('x', '  namespace: b\n') },
  ], undefined, { defaultNamespace: 'a' }).length, 2);
});
