// End to end, as `npm run demo` runs it: real Redis, the Kubernetes API emulator, the GitHub emulator
// (OpenAPI-validated), Probot's web process and a worker, all over real HTTP; real kubectl for drift.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, type Demo } from '../../src/demo/run-demo.ts';
import { MARKER } from '../../src/core/report/index.ts';

let demo: Demo;
const lines: string[] = [];

before(async () => {
  demo = await startDemo({ out: (l) => lines.push(l) });
});
after(async () => {
  await demo?.close();
});

test('first push syncs both apps into the cluster, owned and healthy', () => {
  const { kube, gh } = demo;
  const web = kube.getObject('apps/v1', 'Deployment', 'web', 'web')!;
  assert.equal(web.metadata.labels?.['driftguard.dev/app'], 'web');
  assert.ok(kube.getObject('v1', 'Service', 'api', 'api'), 'the kustomize app is applied');
  const firstRuns = gh.checkRuns('acme', 'gitops').filter((c) => c.output.title?.includes('4 created'));
  assert.deepEqual(firstRuns.map((c) => [c.name, c.conclusion]).sort(), [['driftguard / api', 'success'], ['driftguard / web', 'success']]);
});

test('the PR plan comment separates what the PR changes from drift merging will overwrite', () => {
  const pr1 = demo.gh.comments('acme', 'gitops', demo.firstPr).filter((c) => c.body.startsWith(MARKER));
  assert.equal(pr1.length, 1, 'one sticky comment');
  const body = pr1[0].body;
  assert.match(body, /\| web \| dev\/web \| \+0 ~3 −0 \| Healthy \|/, "web is Healthy in the cluster now");
  const [changes, drift] = body.split('Drift already in the cluster');
  assert.match(changes, /--- base\n\+\+\+ head/);
  assert.match(drift, /--- live\n\+\+\+ base/);
  assert.match(changes, /\+\s+- image: nginx:1\.27\.3/);
  assert.match(changes, /\+  replicas: 3/);
  assert.match(drift, /-  replicas: 5/, 'the hand-made scale shows as drift');
  assert.doesNotMatch(drift, /nginx:1\.27\.3/, 'drift is live vs base, not the PR change');
});

test('merge syncs the merge commit: check run, deployment status and a comment on the merged PR', () => {
  const { gh, kube } = demo;
  const web = kube.getObject('apps/v1', 'Deployment', 'web', 'web')!;
  const spec = web.spec as { replicas: number; template: { spec: { containers: Array<{ image: string }> } } };
  assert.equal(spec.replicas, 3);
  assert.equal(spec.template.spec.containers[0].image, 'nginx:1.27.3');
  const synced = gh.comments('acme', 'gitops', demo.firstPr).filter((c) => c.body.startsWith('Synced'));
  assert.ok(synced.some((c) => /to dev\/web: 0 created, 3 updated, 0 pruned — Healthy/.test(c.body)), synced.map((c) => c.body).join('\n'));
  const deploys = gh.deployments('acme', 'gitops').filter((d) => d.environment.includes('web'));
  assert.equal(deploys.at(-1)!.statuses.at(-1)!.state, 'success');
  for (const c of gh.checkRuns('acme', 'gitops')) assert.equal(c.status, 'completed', `${c.name} left ${c.status}`);
});

test('Secret values never reach GitHub', () => {
  const sent = demo.gh.requests().map((r) => JSON.stringify(r.body ?? ''));
  for (const secret of ['demo-token-not-a-real-secret', 'rotated-demo-token']) {
    const b64 = Buffer.from(secret).toString('base64');
    assert.ok(!sent.some((s) => s.includes(secret) || s.includes(b64)), `${secret} leaked`);
  }
});

test('drift made with real kubectl shows when the open PR is re-planned by comment command', async () => {
  await demo.kubectl('-n', 'api', 'set', 'image', 'deployment/api', 'api=ghcr.io/example/api:9.9');
  const body = await demo.replan();
  const drift = body.slice(body.indexOf('Drift already in the cluster'));
  assert.match(drift, /-\s+- image: ghcr\.io\/example\/api:9\.9|-\s+image: ghcr\.io\/example\/api:9\.9/);
  assert.equal(demo.gh.comments('acme', 'gitops', demo.openPr).filter((c) => c.body.startsWith(MARKER)).length, 1, 'edited in place');
});
