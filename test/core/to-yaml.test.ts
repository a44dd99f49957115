import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { parse } from 'yaml';
import { toYaml } from '../../src/core/diff/to-yaml.ts';
import { parseManifestText } from '../../src/core/manifests/index.ts';

const tricky = [
  '+', '++++++++ (value 1)', '+.inf', '+.5', '+0x1', '-1:20', '-0b1', 'yes', 'no', 'on', 'Off', 'y', 'N', '~', 'null', 'true', '1:20', '0777', '0o17', '0x1F', '0b101', '1e3', '1_000', '+1', '-1', '.5', '1.', '.inf', '-.inf', '.nan',
  '', ' lead', 'trail ', 'a: b', 'a #b', '#x', '- x', '-', '? q', ':x', 'key:', '"q"', "'s'", '@at', '`bt`', '%p', '!tag', '&a', '*a', '|', '>', '{a}', '[x]', 'a,b',
  'a\tb', 'ünïcødé', '日本語', 'a\u2028b', 'x\uFEFFy', 'n\u0085l', '2001-12-14', '2001-12-14T21:59:43.10-05:00', 'http://x.y/z?a=b#c', 'ghcr.io/acme/web:1.4.2', 'app.kubernetes.io/name', '250m', '1Gi',
  'multi\nline\n', 'multi\nline', 'x\n\n', '\nleading newline', '  indented\nblock\n', 'tab\tinside\nline\n', 'crlf\r\nline', 'trailing \nspaces \n', 'a\n\nb\n', '#!/bin/sh\necho hi\n',
];

test('toYaml: tricky strings round-trip through YAML 1.1 and 1.2 readers', () => {
  const doc = { data: Object.fromEntries(tricky.map((s, i) => [`k${i}`, s])), list: tricky, keys: Object.fromEntries(tricky.filter((s) => s).map((s) => [s, 1])) };
  const text = toYaml(doc);
  for (const version of ['1.1', '1.2'] as const) {
    const back = parse(text, { version, customTags: (t) => t.filter((x) => (x as { tag?: string }).tag !== 'tag:yaml.org,2002:timestamp') });
    assert.deepEqual(back, doc, `YAML ${version}:\n${text}`);
  }
});

test('toYaml: numbers, booleans, null, nesting, empty collections round-trip', () => {
  const doc = { a: 1, b: -2.5, c: true, d: null, e: {}, f: [], g: [[1, 2], [], {}, { x: [{ y: 'z' }] }], h: { i: { j: [1, 'two', false] } } };
  assert.deepEqual(parse(toYaml(doc), { version: '1.1' }), doc);
});

test('toYaml: every diff fixture round-trips, keys sorted', () => {
  const dir = new URL('../fixtures/core/diff/', import.meta.url);
  for (const f of readdirSync(dir)) {
    const obj = parseManifestText(f, readFileSync(new URL(f, dir), 'utf8'))[0]!.object;
    const text = toYaml(obj);
    assert.deepEqual(parse(text, { version: '1.1' }), JSON.parse(JSON.stringify(obj)), f);
    const top = text.split('\n').filter((l) => /^[^ -]/.test(l)).map((l) => l.split(':')[0]);
    assert.deepEqual(top, [...top].sort(), f);
  }
});
