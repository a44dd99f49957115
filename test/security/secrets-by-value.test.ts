// Secrets scrubbed by value, not by key name (issue 10, failure 7), end to end: the web and worker
// processes (debug logs captured), real Redis, real helm, the Kubernetes emulator behind a hostile
// proxy and the GitHub emulator.
//  - A real chart whose template `fail`s with a DSN from values under an innocent key (`db.url`),
//    printing the URL and its userinfo alone: planned by a PR, then synced by the merge push.
//  - A Secret value reused in a ConfigMap: the "API server" rejects the ConfigMap with a 422 quoting
//    the submitted object — in the PR's server-side dry run and in the sync.
// Neither password may appear in any GitHub request (check runs, annotations, comment, deployment
// statuses) or in the logs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { findLeaks, startSystem, type System } from './system.ts';
import { operatorConfig } from './fixture.ts';

const DSN_PW = 'SENTINEL-dsn-url-password-4Fj8';
const REUSED = 'SENTINEL-reused-in-configmap-7Wx2';
const SECRETS = [DSN_PW, REUSED];
const ZERO = '0'.repeat(40);

const values = (fail: boolean) => `replicas: 1\ndb:\n  url: postgres://app:${DSN_PW}@db.internal:5432/app\n  fail: ${fail}\n`;
const settings = (label: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels: {rev: "${label}"}
data:
  conn: "host=db.internal user=app password=${REUSED}"
`;
const REPO: Record<string, string> = {
  '.github/driftguard.yml': `apps:
  - name: dsn
    path: deploy/dsn
    cluster: dev
    namespace: sec
    syncPolicy: {automated: true}
  - name: reuse
    path: deploy/reuse
    cluster: dev
    namespace: sec
    syncPolicy: {automated: true}
`,
  'deploy/dsn/Chart.yaml': 'apiVersion: v2\nname: dsn\nversion: 0.1.0\n',
  'deploy/dsn/values.yaml': values(false),
  'deploy/dsn/templates/cm.yaml': `{{- if .Values.db.fail }}
{{- fail (printf "cannot reach the database at %s (credentials %s)" .Values.db.url (urlParse .Values.db.url).userinfo) }}
{{- end }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: dsn
data:
  host: db.internal
`,
  'deploy/reuse/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: ${REUSED}\n`,
  'deploy/reuse/settings.yaml': settings('1'),
};

let sys: System;
const runs = (sha: string) => sys.gh.checkRuns('acme', 'gitops', { headSha: sha }).filter((c) => c.name.startsWith('driftguard / '));
const completed = (sha: string, n: number) =>
  sys.until(`${n} completed check runs on ${sha.slice(0, 7)}`, () => {
    const rs = runs(sha);
    return rs.length >= n && rs.every((c) => c.status === 'completed') ? rs : undefined;
  });
const sentToGitHub = () => sys.gh.requests().filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path} ${JSON.stringify(r.body ?? null)}`).join('\n');
const run = (sha: string, app: string) => runs(sha).find((c) => c.name === `driftguard / ${app}`)!;
const reported = (c: ReturnType<typeof run>) => [c.output.title, c.output.summary, c.output.text, ...c.annotations.map((a) => a.message)].join('\n');

let prHead = '';
let mergeSha = '';
let prNumber = 0;

before(async () => {
  sys = await startSystem({ repo: REPO, operatorConfig, namespaces: ['sec'] });
  // A hostile API server / admission webhook: every write of the ConfigMap (dry runs included) is
  // refused with a 422 quoting the submitted object — which holds the Secret's value.
  sys.hostile.push({ match: (m, p) => m !== 'GET' && p.endsWith('/configmaps/settings'), status: 422, reason: 'Invalid' });
  // Live already (created by hand), so the PR's plan dry-runs it against the server.
  sys.kube.putObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'sec' }, data: { conn: 'old' } });

  const first = await sys.gh.commit('acme', 'gitops', { branch: 'main', files: { 'README.md': '# installed\n' } });
  await sys.deliver('push', undefined, { owner: 'acme', repo: 'gitops', push: { before: ZERO, after: first } });
  await completed(first, 2);
  await sys.drained();

  // The PR makes the chart fail and touches the ConfigMap.
  await sys.gh.commit('acme', 'gitops', { branch: 'db', from: 'main', files: { 'deploy/dsn/values.yaml': values(true), 'deploy/reuse/settings.yaml': settings('2') } });
  const pr = await sys.gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: 'db', user: 'octocat', title: 'db' });
  await sys.gh.state.freeze(pr);
  prHead = pr.headSha!;
  prNumber = pr.number;
  await sys.deliver('pull_request', 'opened', { owner: 'acme', repo: 'gitops', pullNumber: pr.number });
  await completed(prHead, 2);
  await sys.drained();

  const baseSha = pr.baseSha!;
  mergeSha = await sys.gh.mergePullRequest('acme', 'gitops', pr.number);
  await sys.deliver('push', undefined, { owner: 'acme', repo: 'gitops', push: { before: baseSha, after: mergeSha } });
  await completed(mergeSha, 2);
  await sys.drained();
});
after(async () => {
  await sys?.close();
});

test('a chart that fails with a DSN from an innocent key: the plan and the sync report the failure without the password', () => {
  for (const sha of [prHead, mergeSha]) {
    const c = run(sha, 'dsn');
    assert.equal(c.conclusion, 'failure');
    const text = reported(c);
    // The error is still useful: the URL with its user, the template's file:line.
    assert.match(text, /cannot reach the database at postgres:\/\/app:\+{8}@db\.internal:5432\/app/, text);
    assert.ok(c.annotations.some((a) => a.path === 'deploy/dsn/templates/cm.yaml'), JSON.stringify(c.annotations));
    assert.deepEqual(findLeaks(text, SECRETS), []);
  }
  const comment = sys.gh.comments('acme', 'gitops', prNumber).map((c) => c.body).join('\n');
  assert.match(comment, /cannot reach the database/);
  assert.deepEqual(findLeaks(comment, SECRETS), []);
});

test('an API 422 quoting a Secret value reused in a ConfigMap: the dry run and the sync report it scrubbed', () => {
  for (const sha of [prHead, mergeSha]) {
    const text = reported(run(sha, 'reuse'));
    assert.match(text, /admission webhook .* denied the request/, text);
    assert.match(text, /password=\+{8}/, text);
    assert.deepEqual(findLeaks(text, SECRETS), []);
  }
});

test('neither password appears in any GitHub request or log line', () => {
  assert.deepEqual(findLeaks(sentToGitHub(), SECRETS), []);
  const logs = sys.logs();
  assert.match(logs, /"level":20/, 'debug logs were captured');
  assert.deepEqual(findLeaks(logs, SECRETS), []);
});
