// The preview sweeper, cases run on both backends (preview-sweep.test.ts: the Kubernetes emulator;
// preview-sweep.real.test.ts: the real kube-apiserver; one file each so they run in parallel), with the
// GitHub emulator and a real Redis, and the clock injected (a TTL of hours passes without sleeping):
// previews whose close webhook was missed, whose TTL ran out, or whose PR no longer exists are taken
// down through the same `down` job a close runs (namespace really gone, deployment inactive, the
// comment says why); the keep label exempts from the TTL; a namespace named like a preview but without
// Driftguard's markers is never touched, whatever the Redis record says.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parseOperatorConfig } from '../../src/core/config/operator-config.ts';
import { previewGuardRails, isPreviewNamespaceOf } from '../../src/core/preview/guard-rails.ts';
import { KEEP_PREVIEW_LABEL } from '../../src/core/preview/sweep-decision.ts';
import { QUEUES, type PreviewJob } from '../../src/queue/index.ts';
import type { PreviewRecord } from '../../src/store/previews.ts';
import { previewEnvironment, runPreview } from '../../workers/preview.ts';
import { previewSweepDeps, runSweep } from '../../workers/preview-sweep.ts';
import type { WorkerDeps } from '../../workers/deps.ts';
import type { ClusterBackend } from '../support/cluster-backend.ts';
import { OPERATOR, deployment, startHarness, type Harness } from './harness.ts';

const HOUR = 3600_000;
const TTL = 72 * HOUR;
export function previewSweepTests(backend: ClusterBackend): void {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await h.gh.addRepo({ owner: 'acme', name: 'gitops', files: { '.github/driftguard.yml': 'apps: []\n', 'deploy/web/deployment.yaml': deployment('web') } });
  });
  after(() => h.close());

  test(`[${backend.name}] the sweeper removes closed, expired and deleted PRs' previews, keeps labelled ones and never touches a namespace it did not create`, async () => {
    const t = await backend.start();
    try {
      const repo = 'acme/gitops';
      const gh = await h.client();
      const t0 = Date.UTC(2026, 0, 1);
      let now = t0;
      const deps: WorkerDeps = {
        ...h.deps,
        operator: parseOperatorConfig('operator.yml', `${OPERATOR}preview:\n  clusters: [production]\n`),
        cluster: () => t.cluster,
        now: () => now,
      };
      const open = async (labels: string[] = [], state: 'open' | 'closed' = 'open') => {
        const branch = t.unique('b');
        await h.gh.commit('acme', 'gitops', { branch, from: 'main', files: { 'README.md': `${branch}\n` } });
        return (await h.gh.addPullRequest({ owner: 'acme', repo: 'gitops', head: branch, labels, state })).number;
      };
      /** A preview as `up` leaves it: the marked namespace with something in it, a successful deployment, the record. */
      const preview = async (pr: number, opts: { marked?: boolean; lastPushAt?: number } = {}): Promise<PreviewRecord> => {
        const namespace = await t.namespace(`pr-${pr}-web`, { create: false });
        const headSha = (await gh.resolveRef('main'));
        const [ns] = previewGuardRails({ repo, pr, app: 'web', headSha, namespace }, deps.operator.preview!);
        // A lookalike: same name pattern, none of Driftguard's marks (someone else's namespace).
        await t.put(opts.marked === false ? { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { team: 'qa' } } } : ns);
        await t.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace }, data: { pr: String(pr) } });
        const environment = previewEnvironment('web', pr);
        const deploymentId = (await gh.createDeployment({ sha: headSha, environment, description: 'preview', transient: true, production: false }))!;
        await gh.deploymentStatus(deploymentId, 'success', { description: 'healthy', environment });
        const record: PreviewRecord = {
          repo, installationId: h.gh.installationId('acme'), pr, app: 'web', namespace, cluster: 'production', headSha,
          lastPushAt: opts.lastPushAt ?? t0, ttlMs: TTL, state: 'ready', deploymentId, environment, updatedAt: t0,
        };
        await deps.previews.put(record);
        return record;
      };

      const closed = await preview(await open([], 'closed'));
      const expired = await preview(await open());
      const kept = await preview(await open([KEEP_PREVIEW_LABEL]));
      const fresh = await preview(await open(), { lastPushAt: t0 + 10 * HOUR });
      const foreign = await preview(await open([], 'closed'), { marked: false });
      const gone = await preview(900_000 + Math.floor(Math.random() * 90_000)); // no such PR: GitHub answers 404
      const mine = [closed, expired, kept, fresh, foreign, gone];

      // 73 hours later: past the TTL of everything pushed at t0, not of the preview pushed 10 h later.
      now = t0 + 73 * HOUR;
      const report = await runSweep(deps, previewSweepDeps(deps, isPreviewNamespaceOf));
      const ofMine = <T extends { pr: number }>(xs: T[]) => xs.filter((x) => mine.some((m) => m.pr === x.pr));
      assert.deepEqual(ofMine(report.removed).map((r) => [r.pr, r.reason]).sort(), [[closed.pr, 'closed'], [expired.pr, 'expired'], [gone.pr, 'pr-gone']].sort());
      assert.deepEqual(ofMine(report.leftAlone).map((r) => r.namespace), [foreign.namespace]);
      assert.equal(report.failed, 0);

      // The same down job a close queues does the removal.
      const downs = (await h.producer.queue(QUEUES.preview).getJobs(['waiting'])).map((j) => j.data as PreviewJob).filter((j) => mine.some((m) => m.pr === j.pr));
      assert.deepEqual(downs.map((j) => [j.pr, j.action, j.app, j.reason]).sort(), [[closed.pr, 'down', 'web', 'closed'], [expired.pr, 'down', 'web', 'expired'], [gone.pr, 'down', 'web', 'pr-gone']].sort());
      for (const j of downs) assert.equal((await runPreview(j, deps)).outcome, 'done');

      for (const r of [closed, expired, gone]) {
        assert.equal(await t.get('v1', 'Namespace', undefined, r.namespace), undefined, `${r.namespace} is gone, not terminating`);
        assert.equal(await deps.previews.get(repo, r.pr, 'web'), undefined, 'the record is forgotten once the namespace is gone');
        const statuses = h.gh.deployments('acme', 'gitops').find((d) => d.id === r.deploymentId)!.statuses.map((s) => s.state);
        assert.equal(statuses.at(-1), 'inactive', `deployment of #${r.pr}: ${statuses.join(' → ')}`);
      }
      const section = (pr: number) => h.gh.comments('acme', 'gitops', pr).map((c) => c.body).join('\n');
      assert.match(section(expired.pr), /the preview was deleted: no push for 72h \(the preview TTL\)/);
      assert.match(section(closed.pr), /the preview was deleted: the pull request was closed/);

      // Kept: the keep label, the fresh one; and the lookalike namespace with its contents, untouched.
      for (const r of [kept, fresh, foreign]) {
        assert.ok(await t.get('v1', 'Namespace', undefined, r.namespace), `${r.namespace} still exists`);
        assert.ok(await t.get('v1', 'ConfigMap', r.namespace, 'settings'));
        assert.ok(await deps.previews.get(repo, r.pr, 'web'));
      }
      assert.equal(h.gh.deployments('acme', 'gitops').find((d) => d.id === foreign.deploymentId)!.statuses.at(-1)?.state, 'success');

      // The fresh one expires in its turn once its own TTL since its last push has passed.
      now = t0 + 83 * HOUR;
      const later = await runSweep(deps, previewSweepDeps(deps, isPreviewNamespaceOf));
      assert.deepEqual(ofMine(later.removed).map((r) => [r.pr, r.reason]), [[fresh.pr, 'expired']]);
    } finally {
      await t.close();
    }
  });
}
