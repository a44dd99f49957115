// Checks in the workers, with the operator's default severities: a PR whose manifests have errors
// gets a failing check run with annotations at the offending lines (batched ≤ 50 per request, as the
// GitHub emulator enforces), warnings make it neutral, waivers show with their reason, a repo config
// tightens but cannot loosen, and a push with an error finding is refused before any write.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseOperatorConfig } from '../../src/core/config/operator-config.ts';
import { QUEUES, type PlanJob, type SyncJob } from '../../src/queue/index.ts';
import { prScope } from '../../src/store/index.ts';
import { runPlan } from '../../workers/plan.ts';
import { runPush } from '../../workers/push.ts';
import { runSync } from '../../workers/sync.ts';
import type { WorkerDeps } from '../../workers/deps.ts';
import { service, startHarness, type Harness } from './harness.ts';

let h: Harness;
let deps: WorkerDeps;
const next = () => h.deps.latest.nextSeq();

// Default severities: no `policy:` in the operator config.
const OPERATOR = `
clusters:
  - {name: production, context: prod}
projects:
  - name: default
    repos: ["acme/*"]
    destinations: [{cluster: production, namespaces: ["web"]}]
`;
const CONFIG = `apps:
  - name: web
    path: deploy/web
    cluster: production
    namespace: web
    syncPolicy: {automated: true, prune: true}
`;

/** Passes every rule: the base every PR starts from. */
const hardened = (name: string, extra = '', annotations = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
${annotations}spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
        - name: ${name}
          image: ghcr.io/acme/${name}:1.0.0
          securityContext: {allowPrivilegeEscalation: false}
          resources: {requests: {cpu: 10m, memory: 32Mi}, limits: {cpu: 100m, memory: 64Mi}}
          livenessProbe: {tcpSocket: {port: 8080}}
          readinessProbe: {tcpSocket: {port: 8080}}
${extra}`;
const NETPOL = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny}\nspec: {podSelector: {}}\n';

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

before(async () => {
  h = await startHarness();
  deps = { ...h.deps, operator: parseOperatorConfig('operator.yml', OPERATOR) };
  await h.gh.addRepo({
    owner: 'acme', name: 'gitops',
    files: { '.github/driftguard.yml': CONFIG, 'deploy/web/deployment.yaml': hardened('web'), 'deploy/web/netpol.yaml': NETPOL, 'deploy/web/service.yaml': service('web') },
  });
});
after(async () => {
  await h.close();
});

async function openPr(branch: string, files: Record<string, string | null>): Promise<PlanJob> {
  await h.gh.commit('acme', 'gitops', { branch, from: 'main', files });
  const pr = await h.gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: branch });
  const info = await (await h.client()).pull(pr.number);
  const s = await next();
  await deps.latest.offer(prScope('acme/gitops', pr.number), s, info.headSha);
  return { kind: 'plan', repo: 'acme/gitops', installationId: h.gh.installationId('acme'), pr: pr.number, headSha: info.headSha, baseSha: info.baseSha, fork: false, deliveryId: `d-${s}`, seq: s };
}

const runOf = (sha: string) => h.gh.checkRuns('acme', 'gitops', { headSha: sha, name: 'driftguard / web' })[0]!;
const comment = (pr: number) => h.gh.comments('acme', 'gitops', pr).filter((c) => c.user.endsWith('[bot]')).at(-1)?.body ?? '';

test('plan: the misindented ports, a missing selector and a privileged container fail the check with annotations at their lines', async () => {
  const text = readFileSync(new URL('../fixtures/policy/misindented.yaml', import.meta.url), 'utf8')
    .replace('name: shop\n  labels', 'name: web\n  labels')
    .replace('          imagePullPolicy: Sometimes\n', '          securityContext: {privileged: true}\n');
  const job = await openPr('broken-web', { 'deploy/web/deployment.yaml': text });
  await runPlan(job, deps);
  const run = runOf(job.headSha);
  assert.equal(run.conclusion, 'failure');
  const at = (rule: string, path: string) => run.annotations.find((a) => a.title?.includes(`[${rule}]`) && a.message.includes(path));
  const ports = at('schema', '`ports`')!;
  assert.deepEqual([ports.path, ports.start_line, ports.annotation_level], ['deploy/web/deployment.yaml', lineOf(text, '      ports:'), 'failure']);
  assert.match(ports.message, /`ports` is not a field of a pod spec \(`spec\.template\.spec`\); did you mean it under `containers\[0\]`\?/);
  const selector = at('schema', '`selector` is required')!;
  assert.equal(selector.start_line, lineOf(text, 'spec:'));
  const privileged = at('privileged', 'privileged')!;
  assert.deepEqual([privileged.start_line, privileged.annotation_level], [lineOf(text, 'privileged: true'), 'failure']);
  // Warnings ride along at their own level.
  assert.ok(run.annotations.some((a) => a.annotation_level === 'warning' && a.title?.includes('[resources]')));
  assert.match(run.output.summary ?? '', /### Checks: \d+ errors?, \d+ warnings?/);
  assert.match(run.output.summary ?? '', /Schemas: bundled Kubernetes 1\.27/);
  // The comment gets one short Checks line for the app; the findings stay in the check run.
  assert.match(comment(job.pr), /- \*\*Checks\*\* web: 4 errors, \d+ warnings — details in /);
  assert.doesNotMatch(comment(job.pr), /did you mean/);
});

test('plan: more than 50 findings all arrive as annotations (batched), warnings only → neutral', async () => {
  // 15 bare containers: 4 warnings each (escalation, root, resources, probes) = 60 annotations.
  const containers = Array.from({ length: 15 }, (_, i) => `        - {name: c${i}, image: "ghcr.io/acme/c:1.0.${i}"}\n`).join('');
  const text = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: many}\nspec:\n  selector: {matchLabels: {app: many}}\n  template:\n    metadata: {labels: {app: many}}\n    spec:\n      containers:\n${containers}`;
  const job = await openPr('many', { 'deploy/web/many.yaml': text });
  await runPlan(job, deps);
  const run = runOf(job.headSha);
  assert.equal(run.conclusion, 'neutral');
  assert.equal(run.annotations.length, 60);
  assert.ok(run.annotations.every((a) => a.annotation_level === 'warning'));
  assert.equal(run.annotations.find((a) => a.message.startsWith('container `c14`') && a.title?.includes('[probes]'))?.start_line, lineOf(text, 'name: c14'));
});

test('plan: a waiver shows with its reason; a waiver without a reason is an error', async () => {
  const waived = hardened('web', '      hostNetwork: true\n', '  annotations:\n    driftguard.dev/waive: "host-namespaces: node-local DNS cache, reviewed in OPS-7"\n');
  const job = await openPr('waived', { 'deploy/web/deployment.yaml': waived });
  await runPlan(job, deps);
  const run = runOf(job.headSha);
  assert.equal(run.conclusion, 'success');
  const notice = run.annotations.find((a) => a.annotation_level === 'notice')!;
  assert.equal(notice.start_line, lineOf(waived, 'hostNetwork: true'));
  assert.match(notice.message, /Waived: node-local DNS cache, reviewed in OPS-7/);
  assert.match(run.output.summary ?? '', /\*\*Waivers\*\*[\s\S]*`host-namespaces`.*waived: node-local DNS cache, reviewed in OPS-7/);
  assert.match(comment(job.pr), /- \*\*Checks\*\* web: 1 waived/);

  const bare = hardened('web', '      hostNetwork: true\n', '  annotations:\n    driftguard.dev/waive: "host-namespaces"\n');
  const job2 = await openPr('waived-no-reason', { 'deploy/web/deployment.yaml': bare });
  await runPlan(job2, deps);
  const run2 = runOf(job2.headSha);
  assert.equal(run2.conclusion, 'failure');
  const w = run2.annotations.find((a) => a.title?.includes('[waiver]'))!;
  assert.equal(w.start_line, lineOf(bare, 'driftguard.dev/waive'));
  assert.match(w.message, /waiver for `host-namespaces` has no reason/);
});

test('repo config: tightening applies, loosening is refused with a note at its line', async () => {
  const repoConfig = `policy:\n  rules:\n    image-tag: error\n    host-namespaces: warning\n${CONFIG}`;
  await h.gh.commit('acme', 'gitops', { branch: 'main', files: { '.github/driftguard.yml': repoConfig } });
  try {
    const text = hardened('web', '      hostPID: true\n').replace('ghcr.io/acme/web:1.0.0', 'ghcr.io/acme/web:latest');
    const job = await openPr('tighten', { 'deploy/web/deployment.yaml': text });
    await runPlan(job, deps);
    const run = runOf(job.headSha);
    assert.equal(run.conclusion, 'failure');
    const level = (rule: string) => run.annotations.find((a) => a.title?.includes(`[${rule}]`))?.annotation_level;
    assert.equal(level('image-tag'), 'failure', 'the repo raised image-tag to error');
    assert.equal(level('host-namespaces'), 'failure', 'the repo cannot lower host-namespaces to warning');
    const note = run.annotations.find((a) => a.path === '.github/driftguard.yml')!;
    assert.equal(note.start_line, 4);
    assert.match(note.message, /`policy\.rules\.host-namespaces: warning` would loosen the operator's `error`/);
  } finally {
    await h.gh.commit('acme', 'gitops', { branch: 'main', files: { '.github/driftguard.yml': CONFIG } });
  }
});

test('push: an error finding refuses the sync before any write, not retried, with the report', async () => {
  const text = hardened('web', '      volumes:\n        - {name: host, hostPath: {path: /var/run}}\n');
  const sha = await h.gh.commit('acme', 'gitops', { branch: 'main', files: { 'deploy/web/deployment.yaml': text } });
  const calls = h.cluster.syncCalls.length;
  await runPush({ kind: 'push', repo: 'acme/gitops', installationId: h.gh.installationId('acme'), ref: 'refs/heads/main', sha, defaultBranch: 'main', deliveryId: 'hostpath', seq: await next() }, deps);
  const job = (await h.producer.queue(QUEUES.sync).getJobs(['waiting'])).map((j) => j.data as SyncJob).find((j) => j.sha === sha)!;
  // Returns (a final outcome) rather than throwing: BullMQ does not retry it.
  assert.equal((await runSync(job, deps, { finalAttempt: false })).outcome, 'failed');
  assert.equal(h.cluster.syncCalls.length, calls, 'nothing applied');
  const run = runOf(sha);
  assert.equal(run.conclusion, 'failure');
  assert.match(run.output.title ?? '', /^Checks failed \(1 error\): nothing was applied$/);
  assert.match(run.output.summary ?? '', /refused to sync web[\s\S]*`host-path`/);
  const a = run.annotations.find((x) => x.title?.includes('[host-path]'))!;
  assert.deepEqual([a.path, a.start_line], ['deploy/web/deployment.yaml', lineOf(text, 'hostPath:')]);
  const dep = h.gh.deployments('acme', 'gitops').find((d) => d.sha === sha)!;
  assert.ok(dep.statuses.some((s) => s.state === 'failure'));

  // Warnings alone do not block: the next push syncs.
  const ok = await h.gh.commit('acme', 'gitops', { branch: 'main', files: { 'deploy/web/deployment.yaml': hardened('web').replace(':1.0.0', '') } });
  await runPush({ kind: 'push', repo: 'acme/gitops', installationId: h.gh.installationId('acme'), ref: 'refs/heads/main', sha: ok, defaultBranch: 'main', deliveryId: 'untagged', seq: await next() }, deps);
  const job2 = (await h.producer.queue(QUEUES.sync).getJobs(['waiting'])).map((j) => j.data as SyncJob).find((j) => j.sha === ok)!;
  assert.equal((await runSync(job2, deps)).outcome, 'synced');
  const run2 = runOf(ok);
  assert.equal(run2.conclusion, 'success');
  assert.ok(run2.annotations.some((x) => x.annotation_level === 'warning' && x.title?.includes('[image-tag]')));
  assert.match(run2.output.summary ?? '', /### Checks: 1 warning/);
});
