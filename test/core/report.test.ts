import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import type { DiffAction, DiffResult, ResourceDiff } from '../../src/core/diff/types.ts';
import {
  MARKER, batchAnnotations, codeBlock, escapeHtml, escapeMarkdown, fenceFor, findMarker, renderCheckRun, renderPrComment,
  truncateUtf8Safe, type AppReport, type CheckAnnotation,
} from '../../src/core/report/index.ts';

// ---- helpers: realistic diffs and a Markdown structure check ----

function deployment(name: string, image: string, extraEnv: Record<string, string> = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'shop', labels: { app: name } },
    spec: {
      replicas: 3, selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image, ports: [{ containerPort: 8080 }], env: Object.entries(extraEnv).map(([k, v]) => ({ name: k, value: v })) }] },
      },
    },
  };
}

function resource(name: string, action: DiffAction, i: number, extra = ''): ResourceDiff {
  const live = action === 'create' ? '' : stringify(deployment(name, 'shop/api:1.0', { LEVEL: 'info' }));
  const desired = action === 'delete' ? '' : stringify(deployment(name, `shop/api:1.${i}`, { LEVEL: `debug${extra}` }));
  return {
    group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'shop', name, action, modified: action !== 'none',
    patch: [], diff: action === 'none' ? '' : createTwoFilesPatch('live', 'desired', live, desired, '', '', { context: 3 }),
    source: { file: `deploy/shop/${name}.yaml`, line: 1 },
  };
}

function result(resources: ResourceDiff[]): DiffResult {
  const s = { create: 0, update: 0, delete: 0, none: 0, total: resources.length };
  for (const r of resources) s[r.action]++;
  return { resources, summary: s };
}

function report(app: string, changes: ResourceDiff[], drift: ResourceDiff[] = [], extra: Partial<AppReport> = {}): AppReport {
  return { app, cluster: 'production', namespace: 'shop', changes: result(changes), drift: result(drift), health: 'Healthy', errors: [], ...extra };
}

/** Fences open/close properly, <details> balance outside code, no lone surrogate. Returns code blocks. */
function checkMarkdown(md: string): string[] {
  assert.doesNotMatch(md, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/, 'lone surrogate');
  const blocks: string[] = [];
  let fence: string | undefined;
  let body: string[] = [];
  let depth = 0;
  for (const line of md.split('\n')) {
    if (fence) {
      const m = /^(`{3,})\s*$/.exec(line);
      if (m && m[1].length >= fence.length) {
        blocks.push(body.join('\n'));
        fence = undefined;
      } else body.push(line);
      continue;
    }
    const open = /^(`{3,})[^`]*$/.exec(line);
    if (open) {
      fence = open[1];
      body = [];
      continue;
    }
    depth += (line.match(/<details>/g) ?? []).length;
    depth -= (line.match(/<\/details>/g) ?? []).length;
    assert.ok(depth >= 0, 'closing </details> without opening');
  }
  assert.equal(fence, undefined, 'unclosed code fence');
  assert.equal(depth, 0, 'unbalanced <details>');
  return blocks;
}

// ---- text helpers ----

test('truncateUtf8Safe never splits a surrogate pair', () => {
  const cases: Array<[string, number, string]> = [
    ['abc', 5, 'abc'],
    ['abcdef', 3, 'abc'],
    ['ab😀cd', 3, 'ab'], // cutting at 3 would keep half of the emoji
    ['ab😀cd', 4, 'ab😀'],
    ['日本語テキスト', 3, '日本語'],
    ['😀😀', 1, ''],
    ['x', 0, ''],
  ];
  for (const [s, n, want] of cases) assert.equal(truncateUtf8Safe(s, n), want, `${s} @${n}`);
});

test('fences are longer than any backtick run inside', () => {
  assert.equal(fenceFor('plain'), '```');
  assert.equal(fenceFor('has ``` inside'), '````');
  assert.equal(fenceFor('has ````` inside'), '``````');
  const block = codeBlock('+ a: |\n+   ```\n+   code\n+   ```\n', 'diff');
  assert.deepEqual(checkMarkdown(block), ['+ a: |\n+   ```\n+   code\n+   ```']);
});

test('escaping names', () => {
  assert.equal(escapeHtml('<b>&"'), '&lt;b&gt;&amp;&quot;');
  const e = escapeMarkdown('web_*[x](http://e)|<img>\n@team');
  assert.doesNotMatch(e, /(?<!\\)[*_[\]()|]/);
  assert.ok(!e.includes('<img>') && !e.includes('\n') && !e.includes('@team'));
});

test('findMarker finds the hidden marker', () => {
  assert.equal(MARKER, '<!-- driftguard:plan -->');
  assert.ok(findMarker(`${MARKER}\n### plan`));
  assert.ok(findMarker(`\r\n${MARKER}\r\nbody`));
  assert.ok(!findMarker('a comment quoting <!-- driftguard:plan --> inline'));
  assert.ok(!findMarker(''));
  assert.ok(!findMarker(null));
});

// ---- PR comment ----

test('PR comment: table, two sections, one diff block per resource', () => {
  const md = renderPrComment({
    headSha: 'a1b2c3d4e5f6a7b8c9d0', baseSha: '0f9e8d7c6b5a',
    reports: [report('shop', [resource('api', 'update', 1), resource('worker', 'create', 2)], [resource('cart', 'update', 3)], { health: 'Progressing' })],
    marker: MARKER,
  });
  assert.ok(md.startsWith(`${MARKER}\n`));
  assert.match(md, /for `a1b2c3d` against base `0f9e8d7`/);
  assert.match(md, /\| shop \| production\/shop \| \+1 ~1 −0 \| Progressing \| 1 \|/);
  assert.ok(md.indexOf('What this PR changes') < md.indexOf('Drift already in the cluster that merging will overwrite'));
  const blocks = checkMarkdown(md);
  assert.equal(blocks.length, 3);
  assert.ok(blocks.every((b) => b.includes('--- live')));
  assert.doesNotMatch(md, /truncated/);
});

test('PR comment: nothing changes anywhere → short "No changes"', () => {
  const md = renderPrComment({ headSha: 'abcdef1234', reports: [report('shop', [resource('api', 'none', 0)], [])], marker: MARKER });
  assert.ok(md.startsWith(MARKER));
  assert.match(md, /No changes/);
  assert.ok(!md.includes('<details>'));
  assert.ok(md.length < 400);
});

test('PR comment: ``` inside a diff cannot close the fence', () => {
  const r = resource('docs', 'update', 1);
  r.diff = '--- live\n+++ desired\n@@ -1,3 +1,3 @@\n data:\n-  README.md: "```old```"\n+  README.md: |\n+    ```\n+    </details>\n+    ```\n';
  const md = renderPrComment({ headSha: 'abcdef1', reports: [report('docs', [r])] });
  const blocks = checkMarkdown(md);
  assert.equal(blocks.length, 1);
  assert.ok(blocks[0].includes('</details>'), 'the HTML inside the diff stays inside the block');
});

test('PR comment: app names with Markdown/HTML are escaped', () => {
  const md = renderPrComment({ headSha: 'abcdef1', reports: [report('<img src=x>*app*', [resource('api', 'update', 1)])] });
  assert.ok(!md.includes('<img src=x>'));
  assert.match(md, /&lt;img src=x&gt;\*app\*/); // inside <summary>: HTML-escaped
  checkMarkdown(md);
});

test('PR comment: 300 resources stay under the limit with valid Markdown', () => {
  const many = (prefix: string, n: number, action: DiffAction) => Array.from({ length: n }, (_, i) => resource(`${prefix}-${i}`, action, i, 'x'.repeat(i % 7 * 40)));
  const reports = [
    report('shop', [...many('new', 150, 'create'), ...many('chg', 80, 'update'), ...many('del', 20, 'delete')], many('drift', 30, 'update')),
    report('billing', many('b', 20, 'update')),
  ];
  const total = 300;
  const md = renderPrComment({ headSha: 'deadbeefcafe', reports });
  assert.ok(md.length <= 65536, `length ${md.length}`);
  assert.ok(md.length > 50_000, 'the budget is used, not wasted');
  const blocks = checkMarkdown(md);
  const m = /truncated: (\d+) of (\d+) resources shown/.exec(md);
  assert.ok(m, 'truncation line present');
  assert.equal(Number(m[2]), total);
  assert.equal(Number(m[1]), blocks.length);
  assert.match(md, /`driftguard \/ shop`/, 'points to the check run');
  // Deletions are shown before any creation is.
  const shownDeletes = blocks.filter((b) => /\n-kind: Deployment/.test(b) && !/\n\+kind/.test(b)).length;
  assert.equal(shownDeletes, 20);
  // Omitted per section, said in place.
  assert.match(md, /more resources? not shown here/);
});

test('PR comment: a tight budget is respected exactly, with emoji and CJK at the cut', () => {
  const r = resource('api', 'update', 1);
  r.diff = `--- live\n+++ desired\n@@ -1 +1 @@\n-msg: old\n+msg: ${'日本語😀'.repeat(2000)}\n`;
  const small = resource('small', 'update', 2);
  for (const max of [3000, 4096, 8000]) {
    const md = renderPrComment({ headSha: 'abcdef1', reports: [report('emoji😀app', [r, small])], maxChars: max });
    assert.ok(md.length <= max, `${md.length} > ${max}`);
    const blocks = checkMarkdown(md);
    assert.equal(blocks.length, 1, 'the big block is left out whole, the small one is shown');
    assert.match(md, /truncated: 1 of 2 resources shown/);
  }
});

test('PR comment: more apps than fit → compact table, still within the limit', () => {
  const reports = Array.from({ length: 3000 }, (_, i) => report(`app-${i}`, [resource('api', 'update', i)]));
  const md = renderPrComment({ headSha: 'abcdef1', reports });
  assert.ok(md.length <= 65536);
  checkMarkdown(md);
  assert.match(md, /truncated: 0 of 3000 resources shown, \d+ of 3000 apps listed/);
});

test('PR comment: errors are listed with file:line', () => {
  const md = renderPrComment({
    headSha: 'abcdef1',
    reports: [report('shop', [], [], { errors: [{ message: 'mapping values are not allowed here', location: { file: 'deploy/shop/api.yaml', line: 7 } }] })],
  });
  assert.match(md, /shop \(1 error\)/);
  assert.match(md, /`deploy\/shop\/api\.yaml:7`: mapping values are not allowed here/);
  checkMarkdown(md);
});

// ---- check runs ----

test('check run: counts, full diffs, success', () => {
  const out = renderCheckRun(report('shop', [resource('api', 'update', 1), resource('web', 'create', 2)], [resource('cart', 'delete', 3)]), { headSha: 'abcdef123' });
  assert.equal(out.conclusion, 'success');
  assert.equal(out.title, '1 to create, 1 to update, 0 to delete; 1 drifted');
  assert.match(out.summary, /\| What this PR changes \| 1 \| 1 \| 0 \|/);
  assert.match(out.summary, /\| Drift merging will overwrite \| 0 \| 0 \| 1 \|/);
  assert.equal(checkMarkdown(out.text).length, 3);
  assert.deepEqual(out.annotations, []);
});

test('check run: no changes is success', () => {
  const out = renderCheckRun(report('shop', [resource('api', 'none', 0)]), { headSha: 'abcdef123' });
  assert.equal(out.conclusion, 'success');
  assert.equal(out.title, 'No changes');
});

test('check run: errors become failure annotations at file:line', () => {
  const out = renderCheckRun(report('shop', [], [], {
    errors: [
      { message: 'duplicate key "name"', location: { file: './deploy/shop/api.yaml', line: 12, column: 5 }, title: 'YAML_SYNTAX' },
      { message: 'helm template failed: exit 1' },
      { message: 'x'.repeat(10_000), location: { file: 'deploy/shop/b.yaml', line: 0 } },
    ],
  }), { headSha: 'abcdef123' });
  assert.equal(out.conclusion, 'failure');
  assert.equal(out.annotations.length, 2);
  assert.deepEqual(out.annotations[0], {
    path: 'deploy/shop/api.yaml', start_line: 12, end_line: 12, start_column: 5, end_column: 5,
    annotation_level: 'failure', message: 'duplicate key "name"', title: 'YAML_SYNTAX',
  });
  assert.equal(out.annotations[1].start_line, 1, 'line 0 is clamped: GitHub lines start at 1');
  assert.ok(out.annotations[1].message.length <= 4000);
  assert.match(out.summary, /helm template failed/);
});

test('check run: 300-resource text stays within 65535 with whole blocks and a not-shown list', () => {
  const changes = Array.from({ length: 300 }, (_, i) => resource(`svc-${i}`, i % 3 === 0 ? 'create' : 'update', i, 'y'.repeat(i % 5 * 50)));
  const out = renderCheckRun(report('shop', changes), { headSha: 'abcdef123' });
  assert.ok(out.text.length <= 65535, `${out.text.length}`);
  assert.ok(out.summary.length <= 65535);
  const blocks = checkMarkdown(out.text);
  const m = /truncated: (\d+) of 300 resources shown/.exec(out.text);
  assert.ok(m);
  assert.equal(Number(m[1]), blocks.length);
  assert.equal((out.text.match(/^- (create|update) /gm) ?? []).length, 300 - blocks.length);
});

test('batchAnnotations: at most 50 per request, order kept', () => {
  const a: CheckAnnotation[] = Array.from({ length: 123 }, (_, i) => ({ path: 'a.yaml', start_line: i + 1, end_line: i + 1, annotation_level: 'failure', message: `e${i}` }));
  const batches = batchAnnotations(a);
  assert.deepEqual(batches.map((b) => b.length), [50, 50, 23]);
  assert.deepEqual(batches.flat(), a);
  assert.deepEqual(batchAnnotations([]), []);
  assert.deepEqual(batchAnnotations(a.slice(0, 5), 2).map((b) => b.length), [2, 2, 1]);
});

test('escapeMarkdown leaves ordinary names readable', () => {
  const cases: Array<[string, string]> = [
    ['prod-eu', 'prod-eu'],
    ['api.v2', 'api.v2'],
    ['- item', '\\- item'],
    ['# title', '\\# title'],
    ['1. first', '1\\. first'],
    ['my_app', 'my\\_app'],
    ['a|b', 'a\\|b'],
  ];
  for (const [input, want] of cases) assert.equal(escapeMarkdown(input), want, input);
});

test('health: the app\'s live health fills the table, the <details> summary and the check-run summary', () => {
  const cases: Array<{ health: AppReport['health']; resourceHealth: NonNullable<AppReport['resourceHealth']>; listed: RegExp[]; notListed: RegExp[] }> = [
    {
      health: 'Healthy',
      resourceHealth: [{ group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'api', status: 'Healthy', message: '' }],
      listed: [],
      notListed: [/- Healthy/],
    },
    {
      health: 'Degraded',
      resourceHealth: [
        { group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'api', status: 'Degraded', message: 'Deployment "api" exceeded its progress deadline' },
        { group: '', kind: 'Service', namespace: 'shop', name: 'api', status: 'Missing', message: 'not found in the cluster' },
        { group: '', kind: 'Service', namespace: 'shop', name: 'web', status: 'Healthy', message: '' },
      ],
      listed: [/- Degraded `Deployment\.apps shop\/api`: Deployment "api" exceeded its progress deadline/, /- Missing `Service shop\/api`: not found in the cluster/],
      notListed: [/Service shop\/web/],
    },
  ];
  for (const c of cases) {
    const r = report('api', [resource('api', 'update', 1)], [], { health: c.health, resourceHealth: c.resourceHealth });
    const md = renderPrComment({ reports: [r], headSha: 'a'.repeat(40) });
    assert.match(md, new RegExp(`\\| api \\| production/shop \\| \\+0 ~1 −0 \\| ${c.health} \\| 0 \\|`));
    assert.match(md, new RegExp(`<summary><b>api</b> — production/shop: \\+0 ~1 −0, drift 0, ${c.health}</summary>`));
    const run = renderCheckRun(r, { headSha: 'a'.repeat(40) });
    assert.match(run.summary, new RegExp(`Health in the cluster now: \\*\\*${c.health}\\*\\*`));
    for (const re of c.listed) assert.match(run.summary, re);
    for (const re of c.notListed) assert.doesNotMatch(run.summary, re);
    assert.equal(run.conclusion, 'success', 'current health does not fail a plan');
  }
  // Unknown until the live state has been read.
  const none = renderPrComment({ reports: [report('api', [resource('api', 'update', 1)], [], { health: undefined })], headSha: 'b'.repeat(40) });
  assert.match(none, /\| api \| production\/shop \| \+0 ~1 −0 \| — \| 0 \|/);
});
