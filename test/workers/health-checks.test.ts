// The operator config's CEL health checks through the real worker process: queues on a real
// redis-server, real render, the kube adapter against the Kubernetes emulator, reports to the GitHub
// emulator. A Widget (a kind Driftguard has no rule for, no status) is judged by the operator's rule:
// the push sync reports it Degraded naming the rule, and the PR plan's Health column shows it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startKubeEmulator, type KubeEmulator } from '../../emulators/kube/index.ts';
import type { CheckRunRecord } from '../../emulators/github/state.ts';
import { prScope } from '../../src/store/index.ts';
import { startWorkers, type WorkerProcess } from '../../workers/start.ts';
import { startHarness, type Harness } from './harness.ts';

const CONFIG = `apps:
  - name: shop
    path: deploy/shop
    cluster: dev
    namespace: shop
    syncPolicy: {automated: true}
`;

const widget = (size: number) => `apiVersion: example.com/v1
kind: Widget
metadata:
  name: gear
spec:
  size: ${size}
`;

let h: Harness;
let kube: KubeEmulator;
let w: WorkerProcess;
let inst: number;

before(async () => {
  h = await startHarness();
  kube = await startKubeEmulator();
  inst = h.gh.installationId('acme');
  const kubeconfig = kube.writeKubeconfig(join(h.redis.dir, 'kubeconfig'));
  const operatorFile = join(h.redis.dir, 'operator-health.yml');
  writeFileSync(operatorFile, `clusters:
  - {name: dev, kubeconfig: ${kubeconfig}, context: driftguard-dev}
projects:
  - {name: dev, repos: ["acme/*"], destinations: [{cluster: dev, namespaces: ["shop"]}]}
healthCheckExprs:
  - apiVersion: example.com/v1
    kind: Widget
    failed: spec.size > 10
    current: spec.size <= 10
`);
  kube.putObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  kube.putObject({
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  });
  await h.gh.addRepo({ owner: 'acme', name: 'gitops', files: { '.github/driftguard.yml': CONFIG, 'deploy/shop/widget.yaml': widget(3) } });
  w = await startWorkers({ DRIFTGUARD_CONFIG: operatorFile, REDIS_URL: h.redis.url, LOG_LEVEL: 'silent', DRIFTGUARD_SYNC_TIMEOUT_MS: '20000' }, { github: h.deps.github, log: h.deps.log, producer: h.producer });
});
after(async () => {
  await w.close();
  await kube.close();
  await h.close();
});

async function until<T>(what: string, f: () => T | undefined | false): Promise<T> {
  for (let i = 0; i < 1200; i++) {
    const v = f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function push(files: Record<string, string | null>): Promise<CheckRunRecord> {
  const sha = await h.gh.commit('acme', 'gitops', { branch: 'main', files });
  const seq = await w.deps.latest.nextSeq();
  await h.producer.push({ repo: 'acme/gitops', installationId: inst, ref: 'refs/heads/main', sha, defaultBranch: 'main', deliveryId: `push-${seq}`, seq });
  return until(`sync of ${sha.slice(0, 7)}`, () => h.gh.checkRuns('acme', 'gitops', { headSha: sha, name: 'driftguard / shop' }).find((c) => c.status === 'completed'));
}

test('a CEL rule from the operator config decides a custom kind in the sync and in the PR plan', async () => {
  const ok = await push({ 'deploy/shop/widget.yaml': widget(4) });
  assert.equal(ok.conclusion, 'success', `${ok.output.title}\n${ok.output.text}`);
  assert.match(ok.output.title ?? '', /Healthy/);

  const bad = await push({ 'deploy/shop/widget.yaml': widget(40) });
  assert.notEqual(bad.conclusion, 'success', `${bad.output.title}\n${bad.output.text}`);
  assert.match(bad.output.title ?? '', /Degraded/);
  assert.match(`${bad.output.summary}\n${bad.output.text}`, /health check .*operator-health\.yml:6: failed is true/);

  // The plan of a PR shows the live health the rule gives (the cluster now runs size 40).
  await h.gh.commit('acme', 'gitops', { branch: 'shrink', from: 'main', files: { 'deploy/shop/widget.yaml': widget(5) } });
  const pr = await h.gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: 'shrink' });
  const info = await (await h.client()).pull(pr.number);
  const seq = await w.deps.latest.nextSeq();
  await w.deps.latest.offer(prScope('acme/gitops', pr.number), seq, info.headSha);
  await h.producer.plan({ repo: 'acme/gitops', installationId: inst, pr: pr.number, headSha: info.headSha, baseSha: info.baseSha, fork: false, deliveryId: `plan-${seq}`, seq });
  const comment = await until('plan comment', () => h.gh.comments('acme', 'gitops', pr.number).find((c) => c.body.startsWith('<!-- driftguard:plan -->')));
  assert.match(comment.body, /\| shop \|[^\n]*Degraded/, comment.body);
});
