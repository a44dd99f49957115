// Drift detection and self-heal end to end on both backends (the emulator and the real kube-apiserver):
// real redis-server, the GitHub emulator, the web process and a worker over real HTTP. Drift is made with
// the real kubectl (scale, edit through an editor script, patch), so managedFields carry kubectl's own
// manager names; the worker's own scan code runs (as jobs, and once more called directly to count requests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSystemOnCluster, until } from '../../src/devtools/system.ts';
import { runDriftScan, type DriftScanOutcome } from '../../workers/drift.ts';
import type { WorkerDeps } from '../../workers/deps.ts';
import { forEachBackend } from '../support/cluster-backend.ts';
import { webDeployment as deployment, webService as service } from '../support/web-manifests.ts';

const secret = `apiVersion: v1
kind: Secret
metadata:
  name: web
stringData:
  password: hunter2-correct-horse
`;

const config = (ns: string, selfHeal: boolean) => `drift:\n  labels: [drift]\napps:\n  - name: ${ns}\n    path: deploy/web\n    cluster: dev\n    namespace: ${ns}\n    syncPolicy: {automated: true, prune: true, selfHeal: ${selfHeal}}\n`;

/** The scan as its job runs it; a scan that found the app busy (a sync or another scan) is run again. */
const scan = (deps: WorkerDeps, repo: string, app: string) =>
  until<DriftScanOutcome>('a drift scan that is not busy', async () => {
    const o = await runDriftScan({ kind: 'drift', repo, installationId: 1, app, reason: 'interval' }, deps);
    return o === 'busy' ? undefined : o;
  }, 30_000);

forEachBackend((backend) => {
  test(`[${backend.name}] drift: kubectl scale/edit/patch open one issue naming the managers and a check run on the branch head; in-sync scans cost no request; reverting by hand closes it`, { timeout: 170_000 }, async () => {
    const t = await backend.start({ rollout: { readyDelayMs: 50 } });
    const ns = await t.namespace('drift');
    const sys = await startSystemOnCluster({
      kubeconfig: t.kubeconfig, namespaces: [ns], operatorExtra: 'drift:\n  interval: 1h\n  debounce: 1s\n',
      files: { '.github/driftguard.yml': config(ns, false), 'deploy/web/deployment.yaml': deployment(2, 'nginx:1.27.2'), 'deploy/web/service.yaml': service, 'deploy/web/secret.yaml': secret },
    });
    const { gh, owner, repo } = sys;
    const repoName = `${owner}/${repo}`;
    const deps = sys.workers!.deps;
    // kubectl edit, non-interactively: the "editor" rewrites the image in the file kubectl hands it.
    const editor = join(t.dir, 'edit-image.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s#image: nginx:1.27.2#image: nginx:1.27.9#" "$1"\n');
    chmodSync(editor, 0o755);
    try {
      const first = await gh.commit(owner, repo, { branch: 'main', files: { 'README.md': '# gitops\n' }, message: 'README' });
      await sys.deliver('push', undefined, { push: { before: '0'.repeat(40), after: first } });
      const [synced] = await sys.completed(first, 1, 90_000);
      assert.equal(synced.conclusion, 'success', synced.output?.summary ?? '');
      await sys.drained();

      // In sync: a scan reads the warm watch cache and the cached render only.
      assert.equal(await scan(deps, repoName, ns), 'in-sync');
      const kube0 = deps.cluster('dev').http.stats.requests;
      const gh0 = gh.requests().length;
      assert.equal(await scan(deps, repoName, ns), 'in-sync');
      assert.equal(await scan(deps, repoName, ns), 'in-sync');
      assert.equal(deps.cluster('dev').http.stats.requests - kube0, 0, 'Kubernetes requests of two in-sync scans');
      assert.equal(gh.requests().length - gh0, 0, 'GitHub requests of two in-sync scans');
      assert.deepEqual(gh.issues(owner, repo), [], 'no issue while in sync');

      await sys.kubectl('-n', ns, 'scale', 'deployment/web', '--replicas=5');
      await run(sys.kubectl, { KUBE_EDITOR: editor }, '-n', ns, 'edit', 'deployment/web');
      const issue = await until('the drift issue naming both writers', () => {
        const i = gh.issues(owner, repo).find((x) => x.state === 'open');
        return i?.body?.includes('via /scale') && i.body.includes('kubectl-edit') ? i : undefined;
      }, 60_000).catch((e) => { throw new Error(`${e.message}: ${JSON.stringify(gh.issues(owner, repo).map((i) => i.body))}`); });
      assert.equal(issue.title, `Drift: ${ns} on dev/${ns}`);
      assert.deepEqual(issue.labels, ['drift']);
      const body = issue.body ?? '';
      // kubectl scale sends no field manager: the server records its user agent's name, on the /scale subresource.
      assert.match(body, /`\/spec\/replicas` \| `kubectl` \(Update via \/scale\)/, body);
      assert.match(body, /`\/spec\/template\/spec\/containers\/0\/image` \| `kubectl-edit` \(Update\)/, body);
      assert.match(body, /-\s+replicas: 5\n\+\s+replicas: 2/, body);
      assert.match(body, /-\s+- image: nginx:1\.27\.9\n\+\s+- image: nginx:1\.27\.2/, body);
      assert.ok(body.includes(`/driftguard sync ${ns}`) && body.includes(`/driftguard rollback ${ns} previous`), body);
      assert.ok(!body.includes('hunter2-correct-horse'), 'no Secret value in the issue');
      const run0 = await until('the drift check run on the branch head, naming both', () => gh.checkRuns(owner, repo, { headSha: first, name: `driftguard / drift / ${ns}` }).find((r) => r.status === 'completed' && /kubectl-edit/.test(r.output?.summary ?? '')));
      assert.equal(run0.conclusion, 'failure');
      assert.match(run0.output?.summary ?? '', /via \/scale/);
      assert.equal(gh.checkRuns(owner, repo, { name: `driftguard / drift / ${ns}` }).length, 1, 'one drift check run, updated in place');

      // Scanned again and again (jobs may run twice): still one issue, no comment, no request.
      const gh1 = gh.requests().length;
      assert.equal(await scan(deps, repoName, ns), 'drifted');
      assert.equal(await scan(deps, repoName, ns), 'drifted');
      assert.equal(gh.requests().length - gh1, 0, 'GitHub requests of scans that found the same drift');
      assert.equal(gh.issues(owner, repo).length, 1);
      assert.equal(gh.comments(owner, repo, issue.number).length, 0);

      // Another resource drifts: the body is edited and one comment says what changed.
      await sys.kubectl('-n', ns, 'patch', 'service/web', '--type=json', '-p', '[{"op":"replace","path":"/spec/ports/0/targetPort","value":9090}]');
      const changed = await until('a comment on the changed set', () => gh.comments(owner, repo, issue.number).find((c) => c.body.startsWith('The drifted resources changed')), 60_000);
      assert.match(changed.body, /now drifted: `\/Service\//);
      assert.match(gh.issues(owner, repo)[0].body ?? '', /`\/spec\/ports\/0\/targetPort` \| `kubectl-patch`/);
      assert.equal(gh.issues(owner, repo).length, 1);

      // Reverted by hand: the issue closes with a comment and the check run turns green.
      await sys.kubectl('-n', ns, 'scale', 'deployment/web', '--replicas=2');
      await sys.kubectl('-n', ns, 'set', 'image', 'deployment/web', 'web=nginx:1.27.2');
      await sys.kubectl('-n', ns, 'patch', 'service/web', '--type=json', '-p', '[{"op":"replace","path":"/spec/ports/0/targetPort","value":8080}]');
      const closed = await until('the issue closed', () => gh.issues(owner, repo).find((i) => i.number === issue.number && i.state === 'closed'), 60_000);
      assert.equal(closed.stateReason, 'completed');
      assert.match(gh.comments(owner, repo, issue.number).at(-1)?.body ?? '', new RegExp(`^Resolved: \\*\\*${ns}\\*\\* matches Git again`));
      const green = await until('the check run green', () => gh.checkRuns(owner, repo, { headSha: first, name: `driftguard / drift / ${ns}` }).find((r) => r.conclusion === 'success'));
      assert.equal(green.id, run0.id, 'the same check run, updated');
      assert.equal(gh.issues(owner, repo).length, 1);
    } finally {
      await sys.close();
      await t.close();
    }
  });

  test(`[${backend.name}] self-heal: a scale is taken back to Git after the grace; a writer that keeps scaling stops the healing and is named in the issue`, { timeout: 170_000 }, async () => {
    const t = await backend.start({ rollout: { readyDelayMs: 50 } });
    const ns = await t.namespace('heal');
    const sys = await startSystemOnCluster({
      kubeconfig: t.kubeconfig, namespaces: [ns], operatorExtra: 'drift:\n  interval: 1h\n  debounce: 1s\n  selfHealGrace: 1s\n',
      files: { '.github/driftguard.yml': config(ns, true), 'deploy/web/deployment.yaml': deployment(2, 'nginx:1.27.2'), 'deploy/web/service.yaml': service },
    });
    const { gh, owner, repo } = sys;
    const replicas = async () => ((await t.get('apps/v1', 'Deployment', ns, 'web'))?.spec as { replicas: number }).replicas;
    let fighting = true;
    try {
      const first = await gh.commit(owner, repo, { branch: 'main', files: { 'README.md': '# gitops\n' }, message: 'README' });
      await sys.deliver('push', undefined, { push: { before: '0'.repeat(40), after: first } });
      const [synced] = await sys.completed(first, 1, 90_000);
      assert.equal(synced.conclusion, 'success', synced.output?.summary ?? '');
      await sys.drained();

      await sys.kubectl('-n', ns, 'scale', 'deployment/web', '--replicas=5');
      await until('the scale healed back to Git', async () => (await replicas()) === 2, 60_000);
      const heal = await until('the self-heal sync run', () => gh.checkRuns(owner, repo, { headSha: first, name: `driftguard / ${ns}` }).find((r) => r.externalId?.startsWith('heal:') && r.status === 'completed'));
      assert.equal(heal.conclusion, 'success', heal.output?.summary ?? '');

      // A writer that scales the Deployment back whenever it differs from 7 (as a fighting controller would).
      const writer = (async () => {
        while (fighting) {
          if ((await replicas().catch(() => 7)) !== 7) await sys.kubectl('-n', ns, 'scale', 'deployment/web', '--replicas=7').catch(() => undefined);
          await new Promise((r) => setTimeout(r, 200));
        }
      })();
      const stopped = await until('the issue saying self-heal stopped', () => gh.issues(owner, repo).find((i) => i.state === 'open' && i.body?.includes('Self-heal stopped')), 120_000);
      fighting = false;
      await writer;
      const body = stopped.body ?? '';
      assert.match(body, /re-applied 3 times and changed back each time by `kubectl`/, body);
      assert.match(body, /ignoreDifferences:\n  - group: "apps"\n    kind: Deployment\n    name: web\n    namespace: [a-z0-9-]+\n    jsonPointers:\n      - "\/spec\/replicas"/, body);
      // Healing stopped: the writer's 7 stays (a further scan queues no heal).
      const deps = sys.workers!.deps;
      assert.equal(await scan(deps, `${owner}/${repo}`, ns), 'drifted');
      const state = await deps.drift!.reports.get(`${owner}/${repo}`, ns);
      assert.equal(state.heals.length, 3);
      assert.deepEqual(state.healStopped?.managers, ['kubectl']);
      await sys.drained();
      assert.equal(await replicas(), 7);
    } finally {
      fighting = false;
      await sys.close();
      await t.close();
    }
  });
});

/** kubectl with extra environment (the system's kubectl inherits process.env). */
async function run(kubectl: (...args: string[]) => Promise<string>, env: Record<string, string>, ...args: string[]): Promise<string> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await kubectl(...args);
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
}
