// Adversarial end to end: the web and worker processes (debug logs captured), real Redis, the
// Kubernetes emulator behind a hostile proxy and the GitHub emulator. A repository full of secrets
// is synced, changed by a PR, merged, and attacked by a fork PR. Then every request body GitHub
// received, every log line and the CLI output are searched for every secret value in every form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MARKER } from '../../src/core/report/index.ts';
import { runCli } from '../cli/support.ts';
import { ALL_SECRETS, REPO, S, brokenValues, chartValues, kustomization, operatorConfig, plainSecret } from './fixture.ts';
import { FAKE_ENV_SECRETS, findLeaks, startSystem, type System } from './system.ts';

let sys: System;
const ZERO = '0'.repeat(40);
const cli: string[] = [];
let firstSha = '';
let prHead = '';
let mergeSha = '';
let forkHead = '';
let forkWrites = -1;
let forkPr = 0;

const completed = (sha: string, n: number) =>
  sys.until(`${n} completed check runs on ${sha.slice(0, 7)}`, () => {
    const runs = sys.gh.checkRuns('acme', 'gitops', { headSha: sha }).filter((c) => c.name.startsWith('driftguard / '));
    return runs.length >= n && runs.every((c) => c.status === 'completed') ? runs : undefined;
  });

before(async () => {
  sys = await startSystem({ repo: REPO, operatorConfig, namespaces: ['sec'] });
  // A hostile API server / admission webhook: quotes the submitted object in its error message.
  sys.hostile.push(
    { match: (m, p) => m !== 'GET' && p.endsWith('/secrets/rejected'), status: 422, reason: 'Invalid' },
    { match: (m, p, q) => m !== 'GET' && p.endsWith('/secrets/echo-dryrun') && q.getAll('dryRun').includes('All'), status: 422, reason: 'Invalid' },
  );

  // 1. First push to main: every automated app is synced.
  firstSha = await sys.gh.commit('acme', 'gitops', { branch: 'main', files: { 'README.md': '# acme/gitops (installed)\n' } });
  await sys.deliver('push', undefined, { owner: 'acme', repo: 'gitops', push: { before: ZERO, after: firstSha } });
  await completed(firstSha, 5);
  await sys.drained();

  // 2. A PR rotates every secret, removes one Secret and touches the broken chart's values.
  await sys.gh.commit('acme', 'gitops', {
    branch: 'rotate', from: 'main',
    files: {
      'deploy/plain/secret.yaml': plainSecret(S.plainDataV2, S.plainStringDataV2),
      'deploy/plain/doomed.yaml': null,
      'deploy/chart/values.yaml': chartValues(S.chartPasswordV2),
      'deploy/kust/kustomization.yaml': kustomization(S.kustLiteralV2),
      'deploy/broken/values.yaml': brokenValues(S.brokenPasswordV2),
    },
    message: 'rotate credentials',
  });
  const pr = await sys.gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: 'rotate', user: 'octocat', title: 'Rotate credentials' });
  await sys.gh.state.freeze(pr);
  prHead = pr.headSha!;
  await sys.deliver('pull_request', 'opened', { owner: 'acme', repo: 'gitops', pullNumber: pr.number });
  await completed(prHead, 4);
  await sys.drained();

  // 3. Merge: the push syncs the rotation and prunes the removed Secret.
  const baseSha = pr.baseSha!;
  mergeSha = await sys.gh.mergePullRequest('acme', 'gitops', pr.number);
  await sys.deliver('push', undefined, { owner: 'acme', repo: 'gitops', push: { before: baseSha, after: mergeSha } });
  await completed(mergeSha, 4);
  await sys.drained();

  // 4. A fork PR: edits the repo config to add an automated app, changes a Secret, and adds a
  // template that tries to read the worker's files and the cluster.
  await sys.gh.commit('acme', 'gitops', {
    branch: 'evil', from: 'main',
    files: {
      '.github/driftguard.yml': `apps:\n  - name: evil\n    path: deploy/plain\n    cluster: dev\n    namespace: sec\n    syncPolicy: {automated: true, prune: true}\n  - name: plain\n    path: deploy/plain\n    cluster: dev\n    namespace: sec\n    syncPolicy: {automated: true, prune: true}\n  - name: chart\n    path: deploy/chart\n    cluster: dev\n    namespace: sec\n`,
      'deploy/plain/secret.yaml': plainSecret(S.forkValue, S.forkValue),
      'deploy/chart/templates/steal.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: steal
data:
  passwd: {{ .Files.Get "../../../../../../etc/passwd" | quote }}
  abs: {{ .Files.Get "/etc/passwd" | quote }}
  cluster: {{ lookup "v1" "Secret" "sec" "db" | toJson | quote }}
`,
    },
    message: 'totally harmless',
  });
  const fork = await sys.gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: 'evil', user: 'mallory', title: 'Improve docs' });
  await sys.gh.state.freeze(fork);
  forkHead = fork.headSha!;
  forkPr = fork.number;
  const writesBefore = sys.kube.counters.writes();
  await sys.deliver('pull_request', 'opened', { owner: 'acme', repo: 'gitops', pullNumber: fork.number, sender: 'mallory' }, (p) => {
    p.pull_request.head.repo = { ...p.pull_request.head.repo, id: 987654321, node_id: 'R_fork', name: 'gitops', full_name: 'mallory/gitops', fork: true, owner: { ...p.pull_request.head.repo.owner, login: 'mallory', id: 4242 } };
    p.pull_request.head.label = 'mallory:evil';
  });
  await completed(forkHead, 2);
  await sys.drained();
  forkWrites = sys.kube.counters.writes() - writesBefore;

  // 5. The CLI on the same repository: render and diff against the live cluster state saved to a file.
  const dir = mkdtempSync(join(tmpdir(), 'driftguard-sec-cli-'));
  try {
    for (const [p, text] of Object.entries(REPO)) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), text);
    }
    mkdirSync(join(dir, '.git'));
    const live = sys.kube.listObjects('v1', 'Secret', 'sec');
    writeFileSync(join(dir, 'live.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: live }));
    for (const argv of [
      ['render', 'deploy/plain'], ['render', 'deploy/plain', '--output', 'json'], ['render', 'deploy/kust'], ['render', 'deploy/chart'], ['render', 'deploy/broken'],
      ['diff', 'deploy/plain', '--live', 'live.json', '--namespace', 'sec'], ['diff', 'deploy/plain', '--live', 'live.json', '--namespace', 'sec', '--output', 'json'],
      ['diff', 'deploy/chart', '--live', 'live.json', '--namespace', 'sec'],
      ['sync', 'deploy/hostile', '--kubeconfig', sys.kubeconfig, '--namespace', 'sec', '--timeout', '10s'],
      ['sync', 'deploy/hostile', '--kubeconfig', sys.kubeconfig, '--namespace', 'sec', '--timeout', '10s', '--output', 'json'],
    ]) {
      const r = await runCli(argv, { cwd: dir, env: { PATH: process.env.PATH, HOME: dir } });
      cli.push(`$ driftguard ${argv.join(' ')} → ${r.code}\n${r.stdout}${r.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

after(async () => {
  await sys?.close();
});

const sentToGitHub = () => sys.gh.requests().filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path} ${JSON.stringify(r.body ?? null)}`).join('\n');

test('the flows really ran: secrets applied, rotated, pruned; failures reported', () => {
  const { kube, gh } = sys;
  const db = kube.getObject('v1', 'Secret', 'sec', 'db')!;
  assert.equal(Buffer.from(String((db.data as Record<string, string>).password), 'base64').toString(), S.plainDataV2, 'rotation applied');
  assert.equal(kube.getObject('v1', 'Secret', 'sec', 'doomed'), undefined, 'removed Secret pruned');
  assert.ok(kube.getObject('v1', 'Secret', 'sec', 'listed'), 'Secret from a List applied');
  assert.ok(kube.listObjects('v1', 'Secret', 'sec').some((s) => s.metadata.name?.startsWith('gen-')), 'secretGenerator applied');
  assert.ok(kube.getObject('v1', 'Secret', 'sec', 'chart-secret'), 'helm Secret applied');
  const runs = gh.checkRuns('acme', 'gitops');
  const hostile = runs.filter((c) => c.name === 'driftguard / hostile' && c.headSha === firstSha);
  assert.equal(hostile.at(-1)?.conclusion, 'failure');
  assert.match(JSON.stringify(hostile.at(-1)?.output), /denied the request/, 'the server message itself is shown');
  const broken = runs.find((c) => c.name === 'driftguard / broken' && c.headSha === firstSha)!;
  assert.equal(broken.conclusion, 'failure');
  assert.ok(broken.annotations.some((a) => a.path === 'deploy/broken/templates/secret.yaml'), JSON.stringify(broken));
  const plan = gh.comments('acme', 'gitops', 1).find((c) => c.body.startsWith(MARKER))!;
  assert.match(plan.body, /\+{8} \(value \d\)/, 'Secret changes are shown with placeholders');
  assert.match(plan.body, /doomed/, 'the removed Secret is listed');
  const echo = runs.filter((c) => c.name === 'driftguard / plain' && c.headSha === prHead).at(-1)!;
  assert.match(JSON.stringify(echo.output), /echo-dryrun: server-side dry run rejected it/);
});

test('no secret value, in any encoding, reaches GitHub (comments, check runs, annotations, deployments)', () => {
  const sent = sentToGitHub();
  assert.ok(sent.includes('/check-runs') && sent.includes('/comments') && sent.includes('/deployments'), 'every kind of write was made');
  assert.deepEqual(findLeaks(sent, ALL_SECRETS), []);
});

test('no secret value reaches the web or worker logs at debug level', () => {
  const logs = sys.logs();
  assert.match(logs, /"level":20/, 'debug lines were captured');
  assert.match(logs, /job enqueued/);
  assert.deepEqual(findLeaks(logs, ALL_SECRETS), []);
});

test('no secret value reaches the CLI output (render, diff, sync against a hostile server)', () => {
  const out = cli.join('\n');
  assert.match(out, /\$ driftguard render deploy\/plain → 0/);
  assert.match(out, /\$ driftguard sync deploy\/hostile .* → 1/, out);
  assert.deepEqual(findLeaks(out, ALL_SECRETS), []);
});

test('tokens never appear: installation tokens, the app private key, the webhook secret, planted env secrets', () => {
  const tokens = [...sys.gh.state.tokens.keys()];
  assert.ok(tokens.length > 0, 'installation tokens were issued');
  const keyLines = sys.gh.privateKey.split('\n').filter((l) => l.length > 40 && !l.startsWith('-----'));
  const secrets = [...tokens, ...keyLines, 'security-webhook-secret-value', ...Object.values(FAKE_ENV_SECRETS)];
  assert.deepEqual(findLeaks(sys.logs(), secrets), []);
  assert.deepEqual(findLeaks(sentToGitHub(), secrets), []);
  assert.deepEqual(findLeaks(cli.join('\n'), secrets), []);
});

test('a fork PR is planned but never written to the cluster, not even as a server-side dry run', () => {
  assert.equal(forkWrites, 0, 'no create/update/patch/delete (dry runs included) reached the API server');
  const comment = sys.gh.comments('acme', 'gitops', forkPr).find((c) => c.body.startsWith(MARKER))!;
  assert.match(comment.body, /\*\*Fork pull request, waiting for approval\*\*: `[0-9a-f]{7}` was planned without any request to the cluster/);
  const live = sys.kube.getObject('v1', 'Secret', 'sec', 'db')!;
  assert.equal(Buffer.from(String((live.data as Record<string, string>).password), 'base64').toString(), S.plainDataV2);
});

test('a fork PR cannot change its own policy: config comes from the default branch', () => {
  const names = sys.gh.checkRuns('acme', 'gitops', { headSha: forkHead }).map((c) => c.name);
  assert.ok(names.includes('driftguard / plain'), names.join(', '));
  assert.ok(!names.includes('driftguard / evil'), `the fork's own app was planned: ${names.join(', ')}`);
  // Nothing was synced for the fork head, and no sync job ran for it.
  assert.equal(sys.gh.deployments('acme', 'gitops').filter((d) => d.sha === forkHead).length, 0);
});

test("a fork's templates cannot read the worker's files or the cluster", () => {
  const sent = sentToGitHub();
  assert.doesNotMatch(sent, /root:x:0:0/);
  const chart = sys.gh.checkRuns('acme', 'gitops', { headSha: forkHead, name: 'driftguard / chart' }).at(-1)!;
  assert.match(chart.output.text ?? '', /passwd: ""/, 'the template rendered with empty file reads');
  assert.match(chart.output.text ?? '', /cluster: "\{\}"/, 'lookup returned nothing');
});
