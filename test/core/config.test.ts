import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { authorizeApp, parseOperatorConfig, parseRepoConfig, globMatch, isUnderAppPath } from '../../src/core/config/index.ts';
import { DriftguardError } from '../../src/core/errors.ts';

const fixture = (n: string) => readFileSync(new URL(`../fixtures/config/${n}`, import.meta.url), 'utf8');
const F = '.github/driftguard.yml';

test('repo config: a valid file is normalized with defaults', () => {
  const c = parseRepoConfig(F, fixture('driftguard.yml'));
  assert.equal(c.apps.length, 2);
  const [web, api] = c.apps;
  assert.deepEqual(web.syncPolicy, { automated: true, prune: true, selfHeal: false });
  assert.deepEqual(web.ignoreDifferences, [{ kind: 'Deployment', group: 'apps', jsonPointers: ['/spec/replicas'] }]);
  assert.equal(web.targetRevision, 'main');
  assert.equal(web.line, 3);
  assert.equal(api.path, 'deploy/api');
  assert.equal(api.targetRevision, undefined);
  assert.deepEqual(api.syncPolicy, { automated: false, prune: false, selfHeal: false });
  assert.deepEqual(api.helm, { releaseName: 'api', valueFiles: ['values-prod.yaml', '../shared/values.yaml'], values: { replicas: 2 } });
  assert.equal(api.line, 13);
});

const app = (extra: string) => `apps:\n  - name: web\n    path: deploy/web\n    cluster: production\n    namespace: web\n${extra}`;

const invalid: Array<{ name: string; text: string; line: number; message: RegExp }> = [
  { name: 'unknown field points at its key', text: app('    namspace: web\n'), line: 6, message: /apps\[0\]: unknown field "namspace"/ },
  { name: 'unknown top-level field', text: `${app('')}clusters: []\n`, line: 6, message: /unknown field "clusters"/ },
  { name: 'missing required field points at the app', text: 'apps:\n  - name: web\n    path: deploy/web\n    cluster: production\n', line: 2, message: /apps\[0\]: missing required field "namespace"/ },
  { name: 'app name not a label value', text: 'apps:\n  - name: Web App\n    path: x\n    cluster: c\n    namespace: web\n', line: 2, message: /apps\[0\]\.name: "Web App" is not valid \(must be a Kubernetes label value/ },
  { name: 'name longer than 63', text: `apps:\n  - name: ${'a'.repeat(64)}\n    path: x\n    cluster: c\n    namespace: web\n`, line: 2, message: /label value/ },
  { name: 'namespace not DNS-1123', text: 'apps:\n  - name: web\n    path: x\n    cluster: c\n    namespace: Web_NS\n', line: 5, message: /apps\[0\]\.namespace.*DNS-1123/ },
  { name: 'path escapes the repo', text: 'apps:\n  - name: web\n    path: deploy/../../etc\n    cluster: c\n    namespace: web\n', line: 3, message: /apps\[0\]\.path: "deploy\/\.\.\/\.\.\/etc" must be a relative path inside/ },
  { name: 'absolute path', text: 'apps:\n  - name: web\n    path: /etc\n    cluster: c\n    namespace: web\n', line: 3, message: /must be a relative path/ },
  { name: 'helm value file escapes the repo', text: app('    helm:\n      valueFiles:\n        - ok.yaml\n        - ../../../secret.yaml\n'), line: 9, message: /helm\.valueFiles\[1\]/ },
  { name: 'duplicate app names', text: `${app('')}  - name: web\n    path: other\n    cluster: c\n    namespace: web\n`, line: 6, message: /apps\[1\]\.name: "web" is already used by apps\[0\]/ },
  { name: 'wrong type in syncPolicy', text: app('    syncPolicy:\n      automated: "yes"\n'), line: 7, message: /apps\[0\]\.syncPolicy\.automated: must be boolean/ },
  { name: 'unknown syncPolicy field', text: app('    syncPolicy:\n      automated: true\n      prunee: true\n'), line: 8, message: /unknown field "prunee"/ },
  { name: 'bad json pointer', text: app('    ignoreDifferences:\n      - kind: Deployment\n        jsonPointers: [spec/replicas]\n'), line: 8, message: /jsonPointers\[0\].*JSON pointer/ },
  { name: 'bad source type', text: app('    type: jsonnet\n'), line: 6, message: /type: must be one of "plain", "kustomize", "helm"/ },
  { name: 'bad branch name', text: app('    targetRevision: "feature..x"\n'), line: 6, message: /targetRevision.*git branch/ },
  { name: 'YAML syntax error', text: 'apps:\n  - name: web\n    path: [x\n', line: 4, message: /./ },
  { name: 'duplicate key', text: 'apps:\n  - name: web\n    name: web2\n', line: 3, message: /unique|duplicate/i },
  { name: 'empty file', text: '', line: 1, message: /must be object/ },
  { name: 'apps not a list', text: 'apps: {web: {}}\n', line: 1, message: /apps: must be array/ },
];

for (const c of invalid) {
  test(`repo config rejected: ${c.name}`, () => {
    assert.throws(
      () => parseRepoConfig(F, c.text),
      (e: unknown) => {
        assert.ok(e instanceof DriftguardError);
        assert.equal(e.code, 'CONFIG_INVALID');
        assert.equal(e.location?.file, F);
        assert.equal(e.location?.line, c.line, `${e.message} at line ${e.location?.line}`);
        assert.match(e.message, c.message);
        return true;
      },
    );
  });
}

test('repo config: every problem is reported with its own line', () => {
  const text = 'apps:\n  - name: web\n    path: x\n    cluster: c\n    namespace: BAD\n    colour: red\n';
  const e = (() => { try { parseRepoConfig(F, text); } catch (err) { return err as DriftguardError; } })()!;
  const problems = e.details?.problems as Array<{ message: string; location: { line: number } }>;
  assert.deepEqual(problems.map((p) => p.location.line).sort(), [5, 6]);
  assert.match(e.message, /and 1 more problem/);
});

test('operator config: valid file', () => {
  const op = parseOperatorConfig('operator.yml', fixture('operator.yml'));
  assert.deepEqual(op.clusters, [{ name: 'production', context: 'prod' }, { name: 'staging', inCluster: true }]);
  assert.equal(op.projects[1].repos[1], 'Contoso/*');
});

const badOperator: Array<{ name: string; text: string; line: number; message: RegExp }> = [
  { name: 'destination names an unknown cluster', text: 'clusters:\n  - {name: prod}\nprojects:\n  - name: p\n    repos: ["*/*"]\n    destinations:\n      - {cluster: production, namespaces: ["*"]}\n', line: 7, message: /"production" is not one of the clusters \(prod\)/ },
  { name: 'inCluster with a context', text: 'clusters:\n  - name: prod\n    inCluster: true\n    context: x\nprojects: []\n', line: 2, message: /inCluster: true cannot be combined/ },
  { name: 'duplicate cluster', text: 'clusters:\n  - {name: prod}\n  - {name: prod}\nprojects: []\n', line: 3, message: /already used/ },
  { name: 'unknown field', text: 'clusters:\n  - {name: prod, server: https://x}\nprojects: []\n', line: 2, message: /unknown field "server"/ },
  { name: 'missing projects', text: 'clusters: []\n', line: 1, message: /missing required field "projects"/ },
];
for (const c of badOperator) {
  test(`operator config rejected: ${c.name}`, () => {
    assert.throws(() => parseOperatorConfig('operator.yml', c.text), (e: unknown) => {
      assert.ok(e instanceof DriftguardError);
      assert.equal(e.code, 'CONFIG_INVALID');
      assert.equal(e.location?.line, c.line, e.message);
      assert.match(e.message, c.message);
      return true;
    });
  });
}

test('authorizeApp: repos and namespaces are matched as globs', () => {
  const op = parseOperatorConfig('operator.yml', fixture('operator.yml'));
  const cases: Array<[string, string, string, boolean, RegExp?]> = [
    ['acme/web', 'production', 'web', true],
    ['ACME/Web', 'production', 'web', true],
    ['acme/web', 'production', 'api-v2', true],
    ['acme/web', 'production', 'api', false, /may not deploy to production\/api/],
    ['acme/web', 'production', 'kube-system', false, /may not deploy/],
    ['acme/team/web', 'production', 'web', false, /not allowed by any Driftguard project/],
    ['evil/web', 'production', 'web', false, /not allowed by any/],
    ['acme/web', 'staging', 'anything', false, /may not deploy to staging/],
    ['acme/playground', 'staging', 'anything', true],
    ['contoso/x', 'staging', 'x', true],
    ['acme/web', 'moon', 'web', false, /cluster "moon" is not defined/],
  ];
  for (const [repo, cluster, namespace, ok, reason] of cases) {
    const r = authorizeApp(op, repo, { name: 'web', cluster, namespace });
    assert.equal(r.ok, ok, `${repo} → ${cluster}/${namespace}`);
    if (!r.ok && reason) assert.match(r.reason, reason);
  }
});

test('globs and app paths', () => {
  assert.equal(globMatch('api-*', 'api-'), true);
  assert.equal(globMatch('a.b', 'axb'), false);
  assert.equal(globMatch('team-?', 'team-1'), true);
  assert.equal(globMatch('acme/*', 'acme/a/b', '/'), false);
  assert.equal(isUnderAppPath('deploy/web', 'deploy/web/a.yaml'), true);
  assert.equal(isUnderAppPath('deploy/web', 'deploy/webx/a.yaml'), false);
  assert.equal(isUnderAppPath('.', 'anything.yaml'), true);
});
