import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGitHubEmulator, type GitHubEmulator } from '../../emulators/github/index.ts';
import { probotOctokitFactory, RepoClient, canRunCommands, type Annotation } from '../../src/github/index.ts';

let gh: GitHubEmulator;
let client: RepoClient;
let mainSha: string;
let headSha: string;
const hasMarker = (b: string) => b.includes('<!-- driftguard:plan -->');

before(async () => {
  gh = await startGitHubEmulator({ appId: 1001 });
  await gh.addRepo({
    owner: 'acme', name: 'gitops',
    files: {
      '.github/driftguard.yml': 'apps:\n  - {name: web, path: deploy/web, cluster: prod, namespace: web}\n',
      'deploy/web/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n',
      'README.md': '# gitops\n',
    },
  });
  mainSha = (await gh.commit('acme', 'gitops', { branch: 'main', files: { 'deploy/web/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\n' } }));
  headSha = await gh.commit('acme', 'gitops', { branch: 'feature', from: 'main', files: { 'deploy/web/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, labels: {a: b}}\n', 'README.md': null } });
  await gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: 'feature', number: 7 });
  const factory = probotOctokitFactory({ APP_ID: '1001', PRIVATE_KEY: gh.privateKey, GHE_HOST: gh.host, GHE_PROTOCOL: 'http', LOG_LEVEL: 'fatal' });
  client = new RepoClient(await factory.forInstallation(gh.installationId('acme')), 'acme/gitops');
});
after(async () => {
  await gh.close();
});

test('reads the default branch and a file at a ref; a missing file is null', async () => {
  assert.equal(await client.defaultBranch(), 'main');
  assert.match((await client.readFile('.github/driftguard.yml', 'main'))!, /name: web/);
  assert.equal(await client.readFile('.github/nope.yml', 'main'), null);
});

test('checkout extracts the tree at an exact SHA', async () => {
  const co = await client.checkout(headSha);
  try {
    assert.match(readFileSync(join(co.dir, 'deploy/web/deployment.yaml'), 'utf8'), /labels: \{a: b\}/);
    assert.equal(existsSync(join(co.dir, 'README.md')), false, 'deleted on the branch');
    assert.ok(existsSync(join(co.dir, 'deploy/web/svc.yaml')));
  } finally {
    await co.cleanup();
  }
  assert.equal(existsSync(co.dir), false);
  const base = await client.checkout(mainSha);
  assert.ok(existsSync(join(base.dir, 'README.md')));
  await base.cleanup();
});

test('pull info and changed files', async () => {
  const pr = await client.pull(7);
  assert.equal(pr.headSha, headSha);
  assert.equal(pr.fork, false);
  assert.deepEqual((await client.pullFiles(7)).sort(), ['README.md', 'deploy/web/deployment.yaml']);
});

test('check run with 120 annotations: sent in batches of at most 50, completed', async () => {
  const annotations: Annotation[] = Array.from({ length: 120 }, (_, i) => ({ path: 'deploy/web/deployment.yaml', start_line: i + 1, end_line: i + 1, annotation_level: 'failure', message: `problem ${i}` }));
  const before = gh.requests({ operationId: 'checks/update' }).length;
  const run = await client.reportCheckRun({ name: 'driftguard / web', headSha, conclusion: 'failure', output: { title: 't', summary: 's', text: 'x', annotations } });
  const updates = gh.requests({ operationId: 'checks/update' }).slice(before);
  assert.equal(updates.length, 3);
  for (const u of updates) assert.ok(((u.body as { output?: { annotations?: unknown[] } }).output?.annotations?.length ?? 0) <= 50);
  const rec = gh.checkRuns('acme', 'gitops', { name: 'driftguard / web' }).find((c) => c.id === run.id)!;
  assert.equal(rec.status, 'completed');
  assert.equal(rec.conclusion, 'failure');
  assert.equal(rec.annotations.length, 120);
});

test('sticky comment: created once, then edited in place; not created when asked not to', async () => {
  assert.equal(await client.upsertStickyComment(7, '<!-- driftguard:plan -->\nno changes', hasMarker, false), 'skipped');
  assert.equal(gh.comments('acme', 'gitops', 7).length, 0);
  // A user quoting our marker is not our comment (only the app's bot comments are edited).
  const now = new Date().toISOString();
  gh.state.comments.push({ repoKey: 'acme/gitops', issueNumber: 7, id: 999_001, body: '<!-- driftguard:plan -->\nquoted by a human', user: 'mallory', createdAt: now, updatedAt: now, reactions: [] });
  assert.equal(await client.upsertStickyComment(7, '<!-- driftguard:plan -->\nv1', hasMarker), 'created');
  assert.equal(await client.upsertStickyComment(7, '<!-- driftguard:plan -->\nv2', hasMarker), 'updated');
  assert.equal(await client.upsertStickyComment(7, '<!-- driftguard:plan -->\nv2', hasMarker), 'unchanged');
  const ours = gh.comments('acme', 'gitops', 7).filter((c) => c.user.endsWith('[bot]'));
  assert.equal(ours.length, 1);
  assert.equal(ours[0].body, '<!-- driftguard:plan -->\nv2');
  assert.equal(gh.comments('acme', 'gitops', 7).find((c) => c.id === 999_001)?.body, '<!-- driftguard:plan -->\nquoted by a human');
});

test('merged PRs of a commit, deployments and statuses, collaborator permission', async () => {
  const mergeSha = await gh.mergePullRequest('acme', 'gitops', 7);
  assert.deepEqual(await client.mergedPullsForCommit(mergeSha), [7]);
  const id = await client.createDeployment({ sha: mergeSha, environment: 'web', description: 'Driftguard sync of web' });
  assert.ok(id);
  await client.deploymentStatus(id!, 'in_progress', { description: 'syncing' });
  await client.deploymentStatus(id!, 'success', { description: 'Synced' });
  const dep = gh.deployments('acme', 'gitops')[0];
  assert.equal(dep.environment, 'web');
  assert.deepEqual(dep.statuses.map((s) => s.state).sort(), ['in_progress', 'success']);

  const cases: Array<[string, 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none', boolean]> = [
    ['alice', 'admin', true], ['bob', 'maintain', true], ['carol', 'write', true], ['dave', 'triage', false], ['erin', 'read', false],
  ];
  for (const [login, perm, allowed] of cases) {
    gh.setPermission('acme', 'gitops', login, perm);
    const p = await client.permission(login);
    assert.equal(p, perm);
    assert.equal(canRunCommands(p), allowed);
  }
  assert.equal(canRunCommands(await client.permission('stranger')), false);
});

test('5xx answers are retried by the octokit plugins', async () => {
  gh.injectFault({ operationId: 'repos/get', kind: 'error', status: 502, times: 2 });
  assert.equal(await client.defaultBranch(), 'main');
  assert.deepEqual(gh.responseViolations(), []);
});
