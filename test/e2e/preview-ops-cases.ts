// Preview operations end to end, cases run on both backends (preview-ops.test.ts: the emulator;
// preview-ops.real.test.ts: the real kube-apiserver whose namespace controller really finalizes
// namespaces), each its own file so they run in parallel: real redis-server, the GitHub emulator,
// Probot's web process and a worker over real HTTP (src/devtools/system.ts).
// The per-repository limit: a third PR waits (the comment says so), and gets its preview once a close
// frees a slot; a missed close webhook: the sweeper (a sweep job, as the scheduler queues it) removes the
// preview; `/driftguard preview delete` and `/driftguard preview`; a fork PR: nothing rendered or
// applied until a writer comments `/driftguard preview`, and a new push needs a new approval.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSystemOnCluster, until, type System } from '../../src/devtools/system.ts';
import { MARKER, PREVIEW_START } from '../../src/core/report/index.ts';
import { JobProducer, queueConnection } from '../../src/queue/index.ts';
import type { ClusterBackend, TestCluster } from '../support/cluster-backend.ts';
import { webDeployment as deployment } from '../support/web-manifests.ts';

const OPERATOR_PREVIEW = `preview:
  clusters: [dev]
  sweepInterval: 1h
`;

type Sys = Omit<System, 'kube'>;
const section = (sys: Sys, pr: number) => sys.gh.comments(sys.owner, sys.repo, pr).find((c) => c.body.startsWith(MARKER) && c.body.includes(PREVIEW_START))?.body ?? '';
const lastState = (sys: Sys, env: string) => sys.gh.deployments(sys.owner, sys.repo).filter((d) => d.environment === env).sort((a, b) => a.id - b.id).map((d) => d.statuses.at(-1)?.state);

export function previewOpsE2eTests(backend: ClusterBackend): void {
  test(`[${backend.name}] e2e preview ops: the limit, a missed close, the delete and preview commands, a fork waiting for approval`, { timeout: 420_000 }, async () => {
    const t: TestCluster = await backend.start({ rollout: { readyDelayMs: 50 } });
    const app = t.unique('po');
    const prod = await t.namespace('poprod');
    const config = `preview:\n  maxPerRepo: 2\napps:\n  - name: ${app}\n    path: deploy/web\n    cluster: dev\n    namespace: ${prod}\n    preview: {}\n`;
    const sys = await startSystemOnCluster({ kubeconfig: t.kubeconfig, namespaces: [prod], operatorExtra: OPERATOR_PREVIEW, files: { '.github/driftguard.yml': config, 'deploy/web/deployment.yaml': deployment(1) } });
    const { gh, owner, repo } = sys;
    const producer = new JobProducer(queueConnection(sys.redisUrl));
    const ns = (pr: number) => `pr-${pr}-${app}`;
    const env = (pr: number) => `preview/${app}/pr-${pr}`;
    const live = (pr: number) => t.get('v1', 'Namespace', undefined, ns(pr));
    const open = async (branch: string, replicas: number, fork?: string) => {
      await gh.commit(owner, repo, { branch, from: 'main', files: { 'deploy/web/deployment.yaml': deployment(replicas) } });
      const pr = await gh.addPullRequest({ owner, repo, head: branch, ...(fork ? { headRepo: `${fork}/${repo}`, user: fork } : {}) });
      await gh.state.freeze(pr);
      await sys.deliver('pull_request', 'opened', { pullNumber: pr.number });
      return pr;
    };
    const comment = (pr: number, user: string, body: string) => sys.deliver('issue_comment', 'created', { pullNumber: pr, comment: { body, user } });
    const created: number[] = [];
    try {
      // The limit: two previews, the third waits and is told so.
      const a = await open('a', 1);
      const b = await open('b', 1);
      await sys.drained(180_000);
      const c = await open('c', 2);
      created.push(a.number, b.number, c.number);
      await sys.drained(180_000);
      assert.ok(await live(a.number) && await live(b.number), 'two previews');
      assert.equal(await live(c.number), undefined, 'the third waits: nothing created');
      assert.match(section(sys, c.number), /⏸️ Waiting[\s\S]*\*\*Waiting for a slot\*\*: this repository has reached its limit of 2 previews; it is next in line/);
      assert.deepEqual(lastState(sys, env(c.number)), [], 'no deployment while waiting');

      // A close frees a slot: the waiting PR gets its preview.
      await gh.closePullRequest(owner, repo, a.number);
      await sys.deliver('pull_request', 'closed', { pullNumber: a.number });
      await until('the waiting preview to be created', async () => (await live(c.number)) && lastState(sys, env(c.number)).at(-1) === 'success', 180_000);
      await sys.drained(180_000);
      assert.equal(await live(a.number), undefined);
      assert.match(section(sys, c.number), /✅ Ready/);

      // A missed close webhook: the PR is closed on GitHub, no event arrives; the sweeper removes it.
      await gh.closePullRequest(owner, repo, b.number);
      await producer.sweepPreviewsNow(`missed-${b.number}`);
      await until('the swept namespace to be gone', async () => (await live(b.number)) === undefined, 180_000);
      await sys.drained(180_000);
      assert.deepEqual(lastState(sys, env(b.number)), ['inactive'], 'the deployment is inactive');
      assert.match(section(sys, b.number), /🗑️ Deleted[\s\S]*the preview was deleted: the pull request was closed/);

      // `/driftguard preview delete`, then `/driftguard preview` brings it back.
      await comment(c.number, 'octocat', '/driftguard preview delete');
      await until('the deleted namespace to be gone', async () => (await live(c.number)) === undefined, 180_000);
      await sys.drained(180_000);
      assert.match(section(sys, c.number), /the preview was deleted: deleted by `\/driftguard preview delete`/);
      await comment(c.number, 'octocat', '/driftguard preview');
      await until('the recreated preview', async () => (await live(c.number)) && lastState(sys, env(c.number)).at(-1) === 'success', 180_000);
      await sys.drained(180_000);

      // A fork: the preview job runs, but renders and applies nothing until a writer approves this head.
      const d = await open('contrib', 3, 'mallory');
      created.push(d.number);
      await sys.drained(180_000);
      assert.equal(await live(d.number), undefined, 'nothing applied for an unapproved fork');
      assert.deepEqual(lastState(sys, env(d.number)), []);
      assert.ok(section(sys, d.number).includes(`**Waiting for approval (fork)**`) && section(sys, d.number).includes(`\`/driftguard preview ${d.headSha}\``), section(sys, d.number));
      gh.setPermission(owner, repo, 'mallory', 'read');
      await comment(d.number, 'mallory', '/driftguard preview');
      await sys.drained(180_000);
      assert.equal(await live(d.number), undefined, 'the fork\'s author cannot approve it');
      await comment(d.number, 'octocat', `/driftguard preview ${d.headSha}`);
      await until('the approved fork preview', async () => (await live(d.number)) && lastState(sys, env(d.number)).at(-1) === 'success', 180_000);
      await sys.drained(180_000);
      const first = d.headSha!;
      assert.equal((await live(d.number))!.metadata.labels?.['driftguard.dev/preview-sha'], first);
      assert.match(section(sys, d.number), /Fork: @octocat approved a preview of `[0-9a-f]{7}`/);

      // A new push to the fork: not deployed; the comment says the approval does not carry over.
      const second = await gh.commit(owner, repo, { branch: 'contrib', files: { 'deploy/web/deployment.yaml': deployment(4) } });
      d.headSha = second;
      await sys.deliver('pull_request', 'synchronize', { pullNumber: d.number });
      await sys.drained(180_000);
      assert.ok(section(sys, d.number).includes(`@octocat approved a preview of \`${first.slice(0, 7)}\``) && section(sys, d.number).includes(`the push of \`${second.slice(0, 7)}\` needs a new approval`), section(sys, d.number));
      assert.equal((await live(d.number))!.metadata.labels?.['driftguard.dev/preview-sha'], first, 'the preview still runs the approved commit');
      assert.equal(((await t.get('apps/v1', 'Deployment', ns(d.number), 'web'))?.spec as { replicas: number }).replicas, 3);
      assert.equal(sys.gh.deployments(owner, repo).filter((x) => x.sha === second).length, 0, 'no deployment of the unapproved head');
    } finally {
      await producer.close();
      await sys.close();
      for (const pr of created) await t.kubectl('delete', 'namespace', ns(pr), '--ignore-not-found', '--wait=false').catch(() => undefined);
      await t.close();
    }
  });
}
