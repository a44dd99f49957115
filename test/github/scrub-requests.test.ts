// The one place every GitHub write passes: RepoClient's request hook scrubs the text it sends of the
// registered Secret values (any form) and of URL credentials, and leaves identifiers alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGitHubEmulator, type GitHubEmulator } from '../../emulators/github/index.ts';
import { probotOctokitFactory, RepoClient } from '../../src/github/index.ts';

let gh: GitHubEmulator;
let factory: ReturnType<typeof probotOctokitFactory>;
const client = async () => new RepoClient(await factory.forInstallation(gh.installationId('acme')), 'acme/gitops');

before(async () => {
  gh = await startGitHubEmulator({ appId: 1313 });
  await gh.addRepo({ owner: 'acme', name: 'gitops', files: { 'README.md': '# x\n' } });
  await gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: 'main', number: 3 });
  factory = probotOctokitFactory({ APP_ID: '1313', PRIVATE_KEY: gh.privateKey, GHE_HOST: gh.host, GHE_PROTOCOL: 'http', LOG_LEVEL: 'fatal', DRIFTGUARD_GITHUB_THROTTLE: 'off' });
});
after(() => gh.close());

test('check runs, annotations, comments and deployment statuses are scrubbed of Secret values and URL passwords', async () => {
  const c = await client();
  const value = 'reused-db-password-7Zq';
  c.scrubber.addSecretsOf([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: value } }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'main' }, data: { x: 'not-a-secret-value' } }]);
  const sha = (await c.pull(3)).headSha;
  const leak = `denied: ConfigMap settings has ${value} (base64 ${Buffer.from(value).toString('base64')}); dsn postgres://app:url-only-pw-Q9@db:5432/app`;
  const run = await c.createCheckRun({ name: 'driftguard / main', headSha: sha, status: 'in_progress', externalId: 'plan:main' });
  await c.completeCheckRun(run.id, 'failure', {
    title: `failed: ${value}`, summary: leak, text: leak,
    annotations: [{ path: 'deploy/main/cm.yaml', start_line: 1, end_line: 1, annotation_level: 'failure', message: leak, title: 'KUBE_API' }],
  });
  await c.comment(3, leak);
  const dep = await c.createDeployment({ sha, environment: 'main', description: leak.slice(0, 100), payload: { app: 'main' } });
  if (dep) await c.deploymentStatus(dep, 'failure', { description: leak.slice(0, 140), environment: 'main' });

  const sent = gh.requests().filter((r) => r.method !== 'GET').map((r) => JSON.stringify(r.body ?? null)).join('\n');
  for (const f of [value, Buffer.from(value).toString('base64'), 'url-only-pw-Q9']) assert.ok(!sent.includes(f), `${f} was sent`);
  assert.match(sent, /postgres:\/\/app:\+\+\+\+\+\+\+\+@db:5432\/app/);
  assert.match(sent, /ConfigMap settings has \+{8}/);
  // Identifiers are not text: the check run's name and the environment (which equal nothing secret) are intact.
  const stored = gh.checkRuns('acme', 'gitops', { headSha: sha })[0];
  assert.equal(stored.name, 'driftguard / main');
  assert.equal(stored.annotations[0].path, 'deploy/main/cm.yaml');
  assert.equal(stored.output.title, 'failed: ++++++++');
});

test('a deployment status description that fitted in 140 characters still fits after scrubbing', async () => {
  const c = await client();
  c.scrubber.addValues(['Zq1x']);
  const sha = (await c.pull(3)).headSha;
  const dep = (await c.createDeployment({ sha, environment: 'short', description: 'sync', payload: { app: 'short' } }))!;
  const description = `${'d'.repeat(120)} Zq1x Zq1x Zq1x`.slice(0, 140);
  await c.deploymentStatus(dep, 'failure', { description, environment: 'short' });
  const sent = gh.requests().filter((r) => r.method === 'POST' && /\/statuses$/.test(r.path)).map((r) => (r.body as { description: string }).description).at(-1)!;
  assert.ok(sent.length <= 140, `${sent.length}`);
  assert.ok(!sent.includes('Zq1x'));
  assert.match(sent, /^d{120} \+{8}/);
});

test('each client (one per job) has its own scrubber', async () => {
  const [a, b] = [await client(), await client()];
  assert.notEqual(a.scrubber, b.scrubber);
});
