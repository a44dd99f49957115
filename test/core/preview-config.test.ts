// `preview:` in the repo and operator configs (file:line errors), the templates (namespace names always
// DNS labels ≤ 63, deterministic), and the overrides (images, patches) applied to rendered objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOperatorConfig, parseRepoConfig } from '../../src/core/config/index.ts';
import { DriftguardError } from '../../src/core/errors.ts';
import { parseDuration, previewNamespaceName, previewUrl, renderDeep } from '../../src/core/preview/templates.ts';
import { applyOverrides, overrideImage } from '../../src/core/preview/overrides.ts';
import type { KubeObject } from '../../src/core/model/object.ts';

const F = '.github/driftguard.yml';
const app = (preview: string, top = '') => `${top}apps:\n  - name: web\n    path: deploy/web\n    cluster: production\n    namespace: web\n    preview:\n${preview}`;

test('repo config: preview defaults, templates, overrides and the repository limit', () => {
  const c = parseRepoConfig(F, app([
    '      url: "https://pr-{{number}}.preview.example.com"',
    '      ttl: 1d12h',
    '      helm:',
    '        values: {image: {tag: "{{sha}}"}}',
    '      images:',
    '        - {name: ghcr.io/acme/web, newTag: "pr-{{number}}"}',
    '      patches:',
    '        - target: {kind: Deployment}',
    '          patch: [{op: replace, path: /spec/replicas, value: 1}]',
    '',
  ].join('\n'), 'preview:\n  maxPerRepo: 3\n'));
  const p = c.apps[0].preview!;
  assert.equal(p.enabled, true);
  assert.equal(p.cluster, 'production', 'default: the app cluster');
  assert.equal(p.namespace, 'pr-{{number}}-{{app}}');
  assert.equal(p.ttlMs, 36 * 3600 * 1000);
  assert.deepEqual(p.helmValues, { image: { tag: '{{sha}}' } });
  assert.equal(p.patches[0].line, 16);
  assert.equal(p.urlLine, 9);
  assert.deepEqual(c.preview, { maxPerRepo: 3, line: 1 });
  const d = parseRepoConfig(F, app('      enabled: false\n')).apps[0].preview!;
  assert.equal(d.enabled, false);
  assert.equal(d.ttlMs, 72 * 3600 * 1000, 'default TTL 72h');
});

const invalid: Array<{ name: string; preview: string; line: number; message: RegExp; fatal?: true }> = [
  { name: 'namespace template with invalid characters', preview: '      namespace: "PR_{{number}}"\n', line: 7, message: /apps\[0\]\.preview\.namespace: the namespace template renders "PR_99999".*DNS-1123/ },
  { name: 'unknown placeholder in the namespace', preview: '      namespace: "pr-{{numbr}}"\n', line: 7, message: /unknown placeholder \{\{numbr\}\}/ },
  { name: '{{namespace}} inside the namespace template', preview: '      namespace: "{{namespace}}-x"\n', line: 7, message: /unknown placeholder \{\{namespace\}\}/ },
  { name: 'URL that is not a URL', preview: '      url: "pr-{{number}}.example.com"\n', line: 7, message: /preview\.url: the URL template renders "pr-99999\.example\.com", which is not an absolute URL/ },
  { name: 'URL of another scheme', preview: '      url: "ftp://pr-{{number}}.example.com"\n', line: 7, message: /only http and https/ },
  { name: 'bad TTL', preview: '      ttl: 72\n', line: 7, message: /preview\.ttl: must be string/, fatal: true },
  { name: 'too short TTL', preview: '      ttl: 30s\n', line: 7, message: /at least a minute/ },
  { name: 'unknown placeholder in helm values', preview: '      helm:\n        values:\n          tag: "{{head}}"\n', line: 9, message: /preview\.helm\.values\.tag: unknown placeholder \{\{head\}\}/ },
  { name: 'unknown field', preview: '      urll: x\n', line: 7, message: /unknown field "urll"/, fatal: true },
  { name: 'patch op', preview: '      patches:\n        - target: {kind: Deployment}\n          patch: [{op: set, path: /x}]\n', line: 9, message: /op: must be one of/, fatal: true },
  { name: 'ttl not a duration string', preview: '      ttl: 3 days\n', line: 7, message: /preview\.ttl.*not valid/, fatal: true },
];

// Schema errors fail the config; a preview's own problems (templates, TTL) stay on the preview, at their
// line, so the app's production syncs go on and the preview job reports them.
for (const c of invalid) {
  test(`repo config preview: ${c.name}`, () => {
    let problem: { message: string; line?: number } | undefined;
    try {
      const p = parseRepoConfig(F, app(c.preview)).apps[0].preview!;
      assert.equal(c.fatal, undefined, 'a schema error must fail the whole config');
      problem = p.problems[0] && { message: p.problems[0].message, line: p.problems[0].location.line };
    } catch (e) {
      assert.ok(e instanceof DriftguardError);
      assert.equal(e.code, 'CONFIG_INVALID');
      assert.equal(c.fatal, true, `not a schema error, yet fatal: ${e.message}`);
      problem = { message: e.message, line: e.location?.line };
    }
    assert.ok(problem, 'a problem is reported');
    assert.match(problem.message, c.message);
    assert.equal(problem.line, c.line, problem.message);
  });
}

test('repo config: maxPerRepo must be a positive integer', () => {
  assert.throws(() => parseRepoConfig(F, app('      enabled: true\n', 'preview:\n  maxPerRepo: 0\n')), /preview\.maxPerRepo: must be >= 1/);
});

const OPERATOR = `clusters:\n  - name: production\n  - name: previews\nprojects:\n  - name: p\n    repos: ['acme/*']\n    destinations: [{cluster: production, namespaces: ['*']}]\n`;

test('operator config: preview clusters and guard rails, with defaults', () => {
  const o = parseOperatorConfig('op.yml', `${OPERATOR}preview:\n  clusters: [previews]\n  resourceQuota: {hard: {pods: "10", requests.cpu: "2"}}\n  limitRange: {limits: [{type: Container, default: {cpu: 100m}}]}\n  networkPolicy:\n    ingressFromNamespaces: [ingress-nginx]\n`);
  assert.deepEqual(o.preview, {
    clusters: ['previews'],
    sweepIntervalMs: 5 * 60_000,
    resourceQuota: { hard: { pods: '10', 'requests.cpu': '2' } },
    limitRange: { limits: [{ type: 'Container', default: { cpu: '100m' } }] },
    networkPolicy: { ingressFromNamespaces: ['ingress-nginx'], egressToNamespaces: [], allowSameNamespace: true, allowDNS: true },
    namespaceLabels: {},
  });
  assert.equal(parseOperatorConfig('op.yml', OPERATOR).preview, undefined, 'no preview: no cluster hosts previews');
  assert.throws(() => parseOperatorConfig('op.yml', `${OPERATOR}preview:\n  clusters: [staging]\n`), (e: unknown) => {
    assert.ok(e instanceof DriftguardError);
    assert.match(e.message, /preview\.clusters\[0\]: "staging" is not one of the clusters \(production, previews\)/);
    assert.equal(e.location?.line, 9);
    return true;
  });
  assert.throws(() => parseOperatorConfig('op.yml', `${OPERATOR}preview:\n  clusters: [previews]\n  networkPolicy:\n    ingressFromNamespaces: [Ingress_NS]\n`), /ingressFromNamespaces\/0|ingressFromNamespaces\[0\]/);
});

test('operator config: the sweeper\'s interval (default 5m, "off", at least 10 s, errors at file:line)', () => {
  const sweep = (v: string) => parseOperatorConfig('op.yml', `${OPERATOR}preview:\n  clusters: [previews]\n  sweepInterval: ${v}\n`).preview?.sweepIntervalMs;
  assert.equal(sweep('90s'), 90_000);
  assert.equal(sweep('1h'), 3600_000);
  assert.equal(sweep('"off"'), 0);
  for (const bad of ['5s', 'often', '0m']) {
    assert.throws(() => sweep(bad), (e: unknown) => {
      assert.ok(e instanceof DriftguardError);
      assert.match(e.message, /preview\.sweepInterval/);
      assert.equal(e.location?.line, 10, e.message);
      return true;
    }, bad);
  }
});

test('namespace names: always a DNS label ≤ 63, long ones shortened deterministically with a hash', () => {
  const sha = 'a'.repeat(40);
  assert.deepEqual(previewNamespaceName('pr-{{number}}-{{app}}', { number: 12, sha, app: 'web' }), { ok: true, value: 'pr-12-web' });
  // App names may hold upper case, '_' and '.': made label-safe where substituted.
  assert.deepEqual(previewNamespaceName('pr-{{number}}-{{app}}', { number: 12, sha, app: 'Web_App.v2' }), { ok: true, value: 'pr-12-web-app-v2' });
  const long = previewNamespaceName('pr-{{number}}-{{app}}-{{sha}}', { number: 12, sha, app: 'a-rather-long-application-name' });
  assert.ok(long.ok);
  assert.equal(long.value.length, 63);
  assert.match(long.value, /^pr-12-a-rather-long-application-name-a+-[0-9a-f]{8}$/);
  assert.deepEqual(previewNamespaceName('pr-{{number}}-{{app}}-{{sha}}', { number: 12, sha, app: 'a-rather-long-application-name' }), long, 'deterministic');
  const other = previewNamespaceName('pr-{{number}}-{{app}}-{{sha}}', { number: 13, sha, app: 'a-rather-long-application-name' });
  assert.ok(other.ok && other.value !== long.value, 'another PR, another name');
  assert.equal(previewNamespaceName('-{{number}}', { number: 1, sha, app: 'x' }).ok, false);
});

test('URLs, deep templating and durations', () => {
  assert.deepEqual(previewUrl('https://{{namespace}}.preview.example.com/{{sha}}', { number: 1, sha: 'abc', app: 'web', namespace: 'pr-1-web' }), { ok: true, value: 'https://pr-1-web.preview.example.com/abc' });
  assert.deepEqual(renderDeep({ image: { tag: '{{sha}}' }, list: ['pr-{{number}}', 3], keep: '{{other}}' }, { number: 7, sha: 'abc', app: 'web', namespace: 'ns' }), { image: { tag: 'abc' }, list: ['pr-7', 3], keep: '{{other}}' });
  assert.equal(parseDuration('72h'), 72 * 3600_000);
  assert.equal(parseDuration('1d2h3m4s'), ((24 + 2) * 60 + 3) * 60_000 + 4000);
  assert.equal(parseDuration('0h'), undefined);
  assert.equal(parseDuration('h'), undefined);
});

const deployment = (image: string): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 3, template: { spec: { containers: [{ name: 'c', image }, { name: 'side', image: 'busybox:1' }] } } } });

test('overrides: images as kustomize sets them, JSON patches; a patch that does not apply fails at its line', () => {
  assert.equal(overrideImage('ghcr.io/acme/web:1.0', { name: 'ghcr.io/acme/web', newTag: 'pr-7' }), 'ghcr.io/acme/web:pr-7');
  assert.equal(overrideImage('localhost:5000/web', { name: 'localhost:5000/web', newName: 'reg/web' }), 'reg/web');
  assert.equal(overrideImage('web:1@sha256:abc', { name: 'web', digest: 'sha256:def' }), 'web@sha256:def');
  const [out] = applyOverrides([{ object: deployment('ghcr.io/acme/web:1.0') }], {
    file: F,
    images: [{ name: 'ghcr.io/acme/web', newTag: 'abc123' }],
    patches: [{ target: { kind: 'Deployment' }, patch: [{ op: 'replace', path: '/spec/replicas', value: 1 }], line: 20 }],
  });
  const spec = out.object.spec as { replicas: number; template: { spec: { containers: Array<{ image: string }> } } };
  assert.equal(spec.replicas, 1);
  assert.deepEqual(spec.template.spec.containers.map((c) => c.image), ['ghcr.io/acme/web:abc123', 'busybox:1']);
  assert.throws(() => applyOverrides([{ object: deployment('x') }], { file: F, images: [], patches: [{ target: { kind: 'Deployment' }, patch: [{ op: 'replace', path: '/spec/missing/x', value: 1 }], line: 21 }] }), (e: unknown) => {
    assert.ok(e instanceof DriftguardError);
    assert.equal(e.location?.line, 21);
    assert.match(e.message, /preview patch 1 does not apply to Deployment web/);
    return true;
  });
  assert.throws(() => applyOverrides([{ object: deployment('x') }], { file: F, images: [], patches: [{ target: { kind: 'StatefulSet' }, patch: [{ op: 'remove', path: '/spec' }], line: 22 }] }), /preview patch 1 matches no rendered object \(target kind StatefulSet\)/);
});
