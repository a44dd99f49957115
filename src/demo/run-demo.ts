// The whole Driftguard flow on embedded defaults, over real HTTP and a real Redis:
// Kubernetes API emulator + GitHub emulator serving examples/demo-repo + the web process + a worker.
// It replays what GitHub would send (initial push, PR opened, PR merged) and prints what a user sees.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTree, startSystem, until, type System } from '../devtools/system.ts';
import { MARKER } from '../core/report/index.ts';
import * as show from './print.ts';
import { PACKAGE_ROOT } from '../process/package-root.ts';

const example = (...p: string[]) => join(PACKAGE_ROOT, 'examples', 'demo-repo', ...p);

export interface DemoOptions {
  out?: (line: string) => void;
  /** Use this Redis instead of starting a private redis-server. */
  redisUrl?: string;
}

export interface Demo extends System {
  /** PR left open at the end so drift made by hand shows when it is re-planned. */
  openPr: number;
  /** The PR that is planned and merged (its number follows the drift issue's). */
  firstPr: number;
  /** Re-plans the open PR as a `/driftguard diff` comment would; returns the plan comment. */
  replan(): Promise<string>;
}

export async function startDemo(opts: DemoOptions = {}): Promise<Demo> {
  const out = opts.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  out(show.heading('Starting Driftguard on embedded defaults'));
  const sys = await startSystem({
    files: readTree(example()),
    namespaces: ['web', 'api'],
    rollout: { readyDelayMs: 800 },
    redisUrl: opts.redisUrl ?? process.env.REDIS_URL,
  });
  const { gh, owner, repo } = sys;
  try {
    out(show.step(`Redis            ${sys.redisUrl}`));
    out(show.step(`Kubernetes API   ${sys.kube.url}  (kubeconfig ${sys.kubeconfig})`));
    out(show.step(`GitHub emulator  ${gh.apiUrl}  serving ${owner}/${repo} from examples/demo-repo`));
    out(show.step(`Driftguard web   ${sys.webhookUrl}`));
    out(show.step('Driftguard worker started (plan, push, sync, command queues)'));

    // 1. The repository is installed: the first push to main deploys both apps.
    out(show.heading('1. First push to main: Driftguard syncs both apps'));
    const firstSha = await gh.commit(owner, repo, { branch: 'main', files: { 'README.md': '# acme/gitops\n' }, message: 'Add README' });
    await sys.deliver('push', undefined, { push: { before: '0'.repeat(40), after: firstSha } });
    for (const r of await sys.completed(firstSha, 2)) out(show.checkRun(r));
    await sys.drained();

    // 2. Someone edits the cluster by hand; then a PR changes the web app.
    out(show.heading('2. Drift by hand, then a pull request changes web'));
    await sys.kubectl('-n', 'web', 'scale', 'deployment/web', '--replicas=5');
    out(show.step('kubectl -n web scale deployment/web --replicas=5   (made by hand, not in Git)'));
    // The hand-made scale has rolled out before the PR comes (the plan shows the app's current health).
    await sys.kubectl('-n', 'web', 'rollout', 'status', 'deployment/web', '--timeout=60s');
    // The drift scan (on the watch event) opens the app's drift issue, and a check run on main's head.
    const driftIssue = await until('the drift issue', () => gh.issues(owner, repo).find((i) => i.title === 'Drift: web on dev/web' && i.body?.includes('replicas: 5')));
    out(show.comment(`Issue #${driftIssue.number} "${driftIssue.title}" by ${driftIssue.user}`, driftIssue.body ?? ''));
    const web = readTree(example('deploy', 'web'));
    await gh.commit(owner, repo, {
      branch: 'web-1.27.3',
      files: {
        'deploy/web/deployment.yaml': web['deployment.yaml'].replace('nginx:1.27.2', 'nginx:1.27.3').replace('replicas: 2', 'replicas: 3'),
        'deploy/web/config.yaml': web['config.yaml'].replace('LOG_LEVEL: info', 'LOG_LEVEL: debug').replace('demo-token-not-a-real-secret', 'rotated-demo-token'),
      },
      message: 'web: nginx 1.27.3, 3 replicas, debug logs, rotate token',
    });
    const pr1 = await gh.addPullRequest({ owner, repo, head: 'web-1.27.3', title: 'web: nginx 1.27.3', user: 'octocat' });
    await gh.state.freeze(pr1);
    await sys.deliver('pull_request', 'opened', { pullNumber: pr1.number });
    for (const r of await sys.completed(pr1.headSha!, 1)) out(show.checkRun(r));
    await sys.drained();
    const comment = await until('the sticky PR comment', () => gh.comments(owner, repo, pr1.number).find((c) => c.body.startsWith(MARKER)));
    out(show.comment(`PR #${pr1.number} comment by ${comment.user}`, comment.body));

    // 3. Merge: GitHub sends a push for the merge commit; Driftguard syncs and reports back.
    out(show.heading(`3. PR #${pr1.number} merged: Driftguard syncs the merge commit`));
    const mergeSha = await gh.mergePullRequest(owner, repo, pr1.number);
    await sys.deliver('pull_request', 'closed', { pullNumber: pr1.number });
    await sys.deliver('push', undefined, { push: { before: pr1.baseSha!, after: mergeSha } });
    for (const r of await sys.completed(mergeSha, 1)) out(show.checkRun(r));
    await sys.drained();
    for (const c of gh.comments(owner, repo, pr1.number).filter((x) => x.body.startsWith('Synced'))) out(show.comment(`PR #${pr1.number} comment`, c.body));
    for (const d of gh.deployments(owner, repo)) out(show.deployment(d));

    // 4. A second PR stays open; drift made by hand shows when it is re-planned.
    await gh.commit(owner, repo, {
      branch: 'api-replicas',
      files: { 'deploy/api/overlays/prod/kustomization.yaml': readFileSync(example('deploy/api/overlays/prod/kustomization.yaml'), 'utf8').replace('value: 3', 'value: 4') },
      message: 'api: 4 replicas',
    });
    const pr2 = await gh.addPullRequest({ owner, repo, head: 'api-replicas', title: 'api: 4 replicas', user: 'octocat' });
    await gh.state.freeze(pr2);
    await sys.deliver('pull_request', 'opened', { pullNumber: pr2.number });
    await sys.completed(pr2.headSha!, 1);
    await sys.drained();

    const replan = async () => {
      const seen = gh.checkRuns(owner, repo, { headSha: pr2.headSha! }).length;
      await sys.deliver('issue_comment', 'created', { pullNumber: pr2.number, comment: { body: '/driftguard diff', user: 'octocat' } });
      await sys.completed(pr2.headSha!, seen + 1);
      await sys.drained();
      const c = gh.comments(owner, repo, pr2.number).find((x) => x.body.startsWith(MARKER));
      return c?.body ?? '(no plan comment: the PR changes nothing)';
    };
    return { ...sys, openPr: pr2.number, firstPr: pr1.number, replan };
  } catch (e) {
    await sys.close();
    throw e;
  }
}
