// The app's API calls through @octokit/auth-app + @octokit/rest, end to end over HTTP, with every
// response checked against GitHub's OpenAPI response schema.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Octokit } from '@octokit/rest';
import { createAppAuth } from '@octokit/auth-app';
import { BASE_FILES, OWNER, REPO, installationToken, startFixture, type Fixture } from './setup.ts';

const g = { owner: OWNER, repo: REPO };

describe('GitHub emulator: REST API through octokit', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture();
  });
  after(async () => {
    assert.deepEqual(f.em.responseViolations(), [], 'every response matches the OpenAPI response schema');
    await f.close();
  });

  it('authenticates the app with its JWT and hands out installation tokens', async () => {
    const me = await f.app.apps.getAuthenticated();
    assert.equal(me.data?.id, 424242);
    const inst = await f.app.apps.getRepoInstallation(g);
    assert.equal(inst.data.id, f.installationId);
    assert.equal((inst.data.account as { login?: string } | null)?.login, OWNER);
    const tok = await f.app.apps.createInstallationAccessToken({ installation_id: f.installationId });
    assert.match(tok.data.token, /^ghs_/);
    assert.ok(Date.parse(tok.data.expires_at) > Date.now());
  });

  it('rejects repository calls without a valid installation token, and app calls with a foreign key', async () => {
    const anon = await fetch(`${f.em.apiUrl}/repos/${OWNER}/${REPO}`);
    assert.equal(anon.status, 401);
    assert.equal((await anon.json()).message, 'Bad credentials');
    const { generateKeyPairSync } = await import('node:crypto');
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const impostor = new Octokit({ authStrategy: createAppAuth, auth: { appId: 424242, privateKey: otherKey }, baseUrl: f.em.apiUrl });
    await assert.rejects(impostor.apps.getAuthenticated(), (e: { status: number }) => e.status === 401);
    const wrongApp = new Octokit({ authStrategy: createAppAuth, auth: { appId: 1, privateKey: f.em.privateKey }, baseUrl: f.em.apiUrl });
    await assert.rejects(wrongApp.apps.getAuthenticated(), (e: { status: number }) => e.status === 401);
  });

  it('serves the same API at /api/v3 (GHE, what Probot uses with GHE_HOST) and at /', async () => {
    const token = await installationToken(f);
    for (const base of [f.em.apiUrl, f.em.url]) {
      const res = await fetch(`${base}/repos/${OWNER}/${REPO}`, { headers: { authorization: `token ${token}` } });
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.equal(body.full_name, `${OWNER}/${REPO}`);
      assert.equal(body.default_branch, 'main');
      assert.equal(res.headers.get('x-ratelimit-limit'), '5000');
      assert.ok(Number(res.headers.get('x-ratelimit-remaining')) < 5000);
      assert.equal(res.headers.get('x-ratelimit-resource'), 'core');
    }
  });

  it('reads files (base64 + blob sha) and directories at a ref', async () => {
    const file = await f.octokit.repos.getContent({ ...g, path: 'deploy/web/deployment.yaml', ref: 'scale-web' });
    assert.ok(!Array.isArray(file.data) && file.data.type === 'file');
    const d = file.data as { content: string; encoding: string; sha: string; path: string };
    assert.equal(d.encoding, 'base64');
    assert.match(Buffer.from(d.content, 'base64').toString(), /replicas: 3/);
    assert.match(d.sha, /^[0-9a-f]{40}$/);
    const main = await f.octokit.repos.getContent({ ...g, path: 'deploy/web/deployment.yaml' });
    assert.match(Buffer.from((main.data as { content: string }).content, 'base64').toString(), /replicas: 2/);
    const dir = await f.octokit.repos.getContent({ ...g, path: 'deploy/web', ref: 'scale-web' });
    assert.ok(Array.isArray(dir.data));
    assert.deepEqual(dir.data.map((e) => [e.name, e.type]).sort(), [['configmap.yaml', 'file'], ['deployment.yaml', 'file']]);
    const root = await f.octokit.repos.getContent({ ...g, path: '' });
    assert.deepEqual((root.data as Array<{ name: string }>).map((e) => e.name).sort(), ['.github', 'README.md', 'deploy']);
    const raw = await f.octokit.repos.getContent({ ...g, path: 'README.md', mediaType: { format: 'raw' } });
    assert.equal(raw.data as unknown as string, BASE_FILES['README.md']);
    await assert.rejects(f.octokit.repos.getContent({ ...g, path: 'deploy/web/service.yaml', ref: 'scale-web' }), (e: { status: number }) => e.status === 404);
    await assert.rejects(f.octokit.repos.getContent({ ...g, path: 'README.md', ref: 'no-such-branch' }), (e: { status: number }) => e.status === 404);
  });

  it('compares with real git: statuses, counts and hunks-only patches', async () => {
    const cmp = await f.octokit.repos.compareCommitsWithBasehead({ ...g, basehead: 'main...scale-web' });
    assert.equal(cmp.data.status, 'ahead');
    assert.equal(cmp.data.ahead_by, 1);
    assert.equal(cmp.data.behind_by, 0);
    assert.equal(cmp.data.base_commit.sha, f.git.shas[0]);
    assert.equal(cmp.data.commits[0].sha, f.git.shas[1]);
    const files = Object.fromEntries((cmp.data.files ?? []).map((x) => [x.filename, x]));
    assert.deepEqual(Object.keys(files).sort(), ['deploy/web/configmap.yaml', 'deploy/web/deployment.yaml', 'deploy/web/service.yaml']);
    assert.equal(files['deploy/web/configmap.yaml'].status, 'added');
    assert.equal(files['deploy/web/service.yaml'].status, 'removed');
    assert.equal(files['deploy/web/deployment.yaml'].status, 'modified');
    assert.equal(files['deploy/web/deployment.yaml'].additions, 1);
    assert.equal(files['deploy/web/deployment.yaml'].deletions, 1);
    assert.match(files['deploy/web/deployment.yaml'].patch ?? '', /^@@ -\d+,\d+ \+\d+,\d+ @@.*\n[\s\S]*-  replicas: 2\n\+  replicas: 3$/);
    const rev = await f.octokit.repos.compareCommitsWithBasehead({ ...g, basehead: 'scale-web...main' });
    assert.equal(rev.data.status, 'behind');
  });

  it('reads commits and recursive trees', async () => {
    const c = await f.octokit.repos.getCommit({ ...g, ref: 'scale-web' });
    assert.equal(c.data.sha, f.git.shas[1]);
    assert.equal(c.data.parents[0].sha, f.git.shas[0]);
    assert.equal(c.data.commit.message, 'Scale web to 3 and add a config map');
    assert.equal(c.data.files?.length, 3);
    const tree = await f.octokit.git.getTree({ ...g, tree_sha: f.git.shas[0], recursive: '1' });
    const paths = tree.data.tree.map((e) => `${e.type}:${e.path}`).sort();
    assert.deepEqual(paths, ['blob:.github/driftguard.yml', 'blob:README.md', 'blob:deploy/web/deployment.yaml', 'blob:deploy/web/service.yaml', 'tree:.github', 'tree:deploy', 'tree:deploy/web']);
    assert.equal(tree.data.truncated, false);
  });

  it('serves pulls, their files (paginated with Link headers) and the pulls of a commit', async () => {
    const pr = await f.octokit.pulls.get({ ...g, pull_number: 1 });
    assert.equal(pr.data.head.sha, f.git.shas[1]);
    assert.equal(pr.data.base.sha, f.git.shas[0]);
    assert.equal(pr.data.head.ref, 'scale-web');
    assert.equal(pr.data.user.login, 'alice');
    assert.equal(pr.data.changed_files, 3);
    assert.equal(pr.data.merged, false);
    const first = await f.octokit.pulls.listFiles({ ...g, pull_number: 1, per_page: 2 });
    assert.equal(first.data.length, 2);
    assert.match(first.headers.link ?? '', /[?&]page=2[^>]*>; rel="next"/);
    const all = await f.octokit.paginate(f.octokit.pulls.listFiles, { ...g, pull_number: 1, per_page: 2 });
    assert.equal(all.length, 3);
    const assoc = await f.octokit.repos.listPullRequestsAssociatedWithCommit({ ...g, commit_sha: f.git.shas[1] });
    assert.deepEqual(assoc.data.map((p) => p.number), [1]);
    await assert.rejects(f.octokit.pulls.get({ ...g, pull_number: 99 }), (e: { status: number }) => e.status === 404);
  });

  it('after a merge, the merge commit leads back to the merged PR', async () => {
    const em = f.em;
    await em.commit(OWNER, REPO, { branch: 'bump', files: { 'deploy/web/deployment.yaml': BASE_FILES['deploy/web/deployment.yaml'].replace('replicas: 2', 'replicas: 5') }, message: 'bump' });
    const pr = await em.addPullRequest({ owner: OWNER, repo: REPO, head: 'bump', base: 'main', user: 'bob' });
    const sha = await em.mergePullRequest(OWNER, REPO, pr.number);
    const main = await f.octokit.repos.getCommit({ ...g, ref: 'main' });
    assert.equal(main.data.sha, sha);
    assert.equal(main.data.parents.length, 2);
    const assoc = await f.octokit.repos.listPullRequestsAssociatedWithCommit({ ...g, commit_sha: sha });
    assert.deepEqual(assoc.data.map((p) => p.number), [pr.number]);
    const got = await f.octokit.pulls.get({ ...g, pull_number: pr.number });
    assert.equal(got.data.merged, true);
    assert.equal(got.data.merge_commit_sha, sha);
    assert.equal(got.data.state, 'closed');
  });

  it('creates, lists, edits and deletes issue comments as the app bot, with pagination', async () => {
    const created = await f.octokit.issues.createComment({ ...g, issue_number: 1, body: '<!-- driftguard -->\nplan' });
    assert.equal(created.status, 201);
    assert.equal(created.data.user?.login, 'driftguard[bot]');
    assert.equal(created.data.user?.type, 'Bot');
    for (let i = 0; i < 34; i++) await f.octokit.issues.createComment({ ...g, issue_number: 1, body: `c${i}` });
    const page1 = await f.octokit.issues.listComments({ ...g, issue_number: 1 });
    assert.equal(page1.data.length, 30);
    assert.match(page1.headers.link ?? '', /rel="last"/);
    const all = await f.octokit.paginate(f.octokit.issues.listComments, { ...g, issue_number: 1, per_page: 100 });
    assert.equal(all.length, 35);
    const sticky = all.find((c) => c.body?.startsWith('<!-- driftguard -->'))!;
    const upd = await f.octokit.issues.updateComment({ ...g, comment_id: sticky.id, body: '<!-- driftguard -->\nplan v2' });
    assert.equal(upd.data.body, '<!-- driftguard -->\nplan v2');
    await f.octokit.reactions.createForIssueComment({ ...g, comment_id: sticky.id, content: 'eyes' });
    assert.equal(f.em.comments(OWNER, REPO, 1).find((c) => c.id === sticky.id)?.reactions.length, 1);
    const del = await f.octokit.issues.deleteComment({ ...g, comment_id: sticky.id });
    assert.equal(del.status, 204);
    assert.equal(f.em.comments(OWNER, REPO, 1).length, 34);
    await assert.rejects(f.octokit.issues.createComment({ ...g, issue_number: 404, body: 'x' }), (e: { status: number }) => e.status === 404);
    const issue = await f.octokit.issues.create({ ...g, title: 'Drift in web', body: 'details', labels: ['driftguard'] });
    assert.equal(issue.status, 201);
    const listed = await f.octokit.issues.listForRepo({ ...g, labels: 'driftguard' });
    assert.deepEqual(listed.data.map((i) => i.number), [issue.data.number]);
    const prAsIssue = await f.octokit.issues.get({ ...g, issue_number: 1 });
    assert.equal(prAsIssue.data.title, 'Scale web');
    assert.ok(prAsIssue.data.pull_request, 'a PR read through the issues API carries pull_request');
    const plain = await f.octokit.issues.get({ ...g, issue_number: issue.data.number });
    assert.equal(plain.data.pull_request, undefined);
    assert.equal(plain.data.user?.login, 'driftguard[bot]');
  });

  it('moves a check run queued → in_progress → completed and stores annotations across updates', async () => {
    const head = f.git.shas[1];
    const created = await f.octokit.checks.create({ ...g, name: 'driftguard / web', head_sha: head, status: 'queued' });
    assert.equal(created.data.status, 'queued');
    assert.deepEqual(created.data.pull_requests.map((p) => p.number), [1]);
    const ann = (n: number) => Array.from({ length: n }, (_, i) => ({ path: 'deploy/web/deployment.yaml', start_line: i + 1, end_line: i + 1, annotation_level: 'failure' as const, message: `m${i}` }));
    await f.octokit.checks.update({ ...g, check_run_id: created.data.id, status: 'in_progress', output: { title: 'Planning', summary: 'rendering', annotations: ann(50) } });
    const done = await f.octokit.checks.update({ ...g, check_run_id: created.data.id, conclusion: 'failure', output: { title: 'Plan', summary: '1 error', text: 'diff', annotations: ann(3) } });
    assert.equal(done.data.status, 'completed');
    assert.equal(done.data.conclusion, 'failure');
    assert.equal(done.data.output.annotations_count, 53);
    assert.ok(done.data.completed_at);
    const run = f.em.checkRuns(OWNER, REPO, { headSha: head })[0];
    assert.deepEqual(run.history.map((h) => h.status), ['queued', 'in_progress', 'completed']);
    const listed = await f.octokit.checks.listForRef({ ...g, ref: 'scale-web', check_name: 'driftguard / web' });
    assert.equal(listed.data.total_count, 1);
    assert.equal(listed.data.check_runs[0].id, created.data.id);
    const anns = await f.octokit.paginate(f.octokit.checks.listAnnotations, { ...g, check_run_id: created.data.id, per_page: 100 });
    assert.equal(anns.length, 53);
  });

  it('creates deployments and statuses; a new success marks the older one inactive', async () => {
    const mk = async () => {
      const d = await f.octokit.repos.createDeployment({ ...g, ref: 'main', environment: 'production/web', auto_merge: false, required_contexts: [] });
      assert.equal(d.status, 201);
      const id = (d.data as { id: number }).id;
      await f.octokit.repos.createDeploymentStatus({ ...g, deployment_id: id, state: 'in_progress' });
      await f.octokit.repos.createDeploymentStatus({ ...g, deployment_id: id, state: 'success', description: 'Synced' });
      return id;
    };
    const first = await mk();
    const second = await mk();
    const list = await f.octokit.repos.listDeployments({ ...g, environment: 'production/web' });
    assert.deepEqual(list.data.map((d) => d.id), [second, first]);
    const st = await f.octokit.repos.listDeploymentStatuses({ ...g, deployment_id: first });
    assert.equal(st.data[0].state, 'inactive');
    assert.deepEqual(f.em.deployments(OWNER, REPO).find((d) => d.id === second)!.statuses.map((s) => s.state), ['in_progress', 'success']);
    await assert.rejects(f.octokit.repos.createDeployment({ ...g, ref: 'nope' }), (e: { status: number }) => e.status === 422);
  });

  it('answers collaborator permission levels', async () => {
    f.em.setPermission(OWNER, REPO, 'alice', 'maintain');
    f.em.setPermission(OWNER, REPO, 'mallory', 'read');
    const cases: Array<[string, string, string]> = [
      ['alice', 'write', 'maintain'],
      ['mallory', 'read', 'read'],
      ['stranger', 'none', 'none'],
    ];
    for (const [user, permission, role] of cases) {
      const r = await f.octokit.repos.getCollaboratorPermissionLevel({ ...g, username: user });
      assert.equal(r.data.permission, permission, user);
      assert.equal(r.data.role_name, role, user);
    }
  });

  it('records every request', () => {
    const creates = f.em.requests({ operationId: 'checks/create' });
    assert.ok(creates.length >= 1);
    assert.equal(creates[0].method, 'POST');
    assert.equal(creates[0].path, `/repos/${OWNER}/${REPO}/check-runs`);
    assert.equal(creates[0].status, 201);
    assert.equal((creates[0].body as { name: string }).name, 'driftguard / web');
    assert.ok(f.em.requests({ path: /^\/app\/installations\/\d+\/access_tokens$/ }).length >= 1);
  });
});
