// The whole Driftguard flow on embedded defaults, over real HTTP and a real Redis:
// Kubernetes API emulator + GitHub emulator serving examples/demo-repo + the web process + a worker.
// It replays what GitHub would send (initial push, PR opened, PR merged) and prints what a user sees.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startKubeEmulator, type KubeEmulator } from '../../emulators/kube/index.ts';
import { startGitHubEmulator, type GitHubEmulator } from '../../emulators/github/index.ts';
import { emulatorPayload, sendWebhook } from '../../emulators/github/webhooks.ts';
import { RedisServer } from '../devtools/redis-server.ts';
import { startWeb, type WebProcess } from '../web/start.ts';
import { startWorkers, type WorkerProcess } from '../../workers/start.ts';
import { findTool } from '../render/tools.ts';
import { MARKER } from '../core/report/index.ts';
import { Queue } from 'bullmq';
import { QUEUES, QUEUE_PREFIX, queueConnection } from '../queue/index.ts';
import * as show from './print.ts';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OWNER = 'acme';
const REPO = 'gitops';
const SECRET = 'demo-webhook-secret';

export interface DemoOptions {
  /** Exit after the scripted flow instead of waiting for Ctrl-C. */
  once?: boolean;
  out?: (line: string) => void;
  /** Use this Redis instead of starting a private redis-server. */
  redisUrl?: string;
}

export interface Demo {
  kube: KubeEmulator;
  gh: GitHubEmulator;
  web: WebProcess;
  workers: WorkerProcess;
  kubeconfig: string;
  /** PR left open at the end so drift made by hand shows when it is re-planned. */
  openPr: number;
  replan(): Promise<string>;
  close(): Promise<void>;
}

/** Reads a directory into the file map a git fixture takes. */
function readTree(dir: string, base = dir, out: Record<string, string> = {}): Record<string, string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) readTree(p, base, out);
    else out[relative(base, p)] = readFileSync(p, 'utf8');
  }
  return out;
}

async function until<T>(what: string, f: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`demo: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startDemo(opts: DemoOptions = {}): Promise<Demo> {
  const out = opts.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const work = mkdtempSync(join(tmpdir(), 'driftguard-demo-'));
  const cleanups: Array<() => Promise<void> | void> = [() => rmSync(work, { recursive: true, force: true })];
  const close = async () => {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
  };
  try {
    out(show.heading('Starting Driftguard on embedded defaults'));
    let redisUrl = opts.redisUrl ?? process.env.REDIS_URL;
    if (!redisUrl) {
      const redis = await RedisServer.start();
      cleanups.push(() => redis.stop());
      redisUrl = redis.url;
    }
    out(show.step(`Redis            ${redisUrl}`));

    const kube = await startKubeEmulator({ rollout: { readyDelayMs: 800 } });
    cleanups.push(() => kube.close());
    const kubeconfig = kube.writeKubeconfig(join(work, 'kubeconfig'));
    out(show.step(`Kubernetes API   ${kube.url}  (kubeconfig ${kubeconfig})`));

    const gh = await startGitHubEmulator({ appId: 4242, validateResponses: false });
    cleanups.push(() => gh.close());
    await gh.addRepo({ owner: OWNER, name: REPO, files: readTree(join(root, 'examples', 'demo-repo')) });
    gh.setPermission(OWNER, REPO, 'octocat', 'write');
    out(show.step(`GitHub emulator  ${gh.apiUrl}  serving ${OWNER}/${REPO} from examples/demo-repo`));

    // The operator pre-creates the destination namespaces, as a platform team would.
    const kubectl = findTool('kubectl');
    for (const ns of ['web', 'api']) await run(kubectl, ['--kubeconfig', kubeconfig, 'create', 'namespace', ns]);

    const operatorFile = join(work, 'operator.yml');
    writeFileSync(
      operatorFile,
      readFileSync(join(root, 'examples', 'operator-config.yml'), 'utf8').replace(
        /context: driftguard-dev.*/,
        `context: driftguard-dev\n    kubeconfig: ${kubeconfig}`,
      ),
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      APP_ID: String(gh.appId),
      PRIVATE_KEY: gh.privateKey,
      WEBHOOK_SECRET: SECRET,
      GHE_HOST: gh.host,
      GHE_PROTOCOL: 'http',
      REDIS_URL: redisUrl,
      DRIFTGUARD_CONFIG: operatorFile,
      DRIFTGUARD_WORKDIR: work,
      DRIFTGUARD_SYNC_TIMEOUT_MS: '30000',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      // Octokit's write pacing (1 s between writes) is for github.com's secondary limits, not an emulator.
      DRIFTGUARD_GITHUB_THROTTLE: 'off',
    };
    const web = await startWeb(env, { defaultMetrics: false });
    cleanups.push(() => web.close());
    const workers = await startWorkers(env);
    cleanups.push(() => workers.close());
    const hook = `${web.url}/api/github/webhooks`;
    out(show.step(`Driftguard web   ${hook}`));
    out(show.step('Driftguard worker started (plan, push, sync, command queues)'));

    // "Done" means every queue is drained: a plan updates its check runs before the comment.
    const queues = Object.values(QUEUES).map((name) => new Queue(name, { connection: queueConnection(redisUrl), prefix: QUEUE_PREFIX }));
    cleanups.push(() => Promise.all(queues.map((q) => q.close())).then(() => undefined));
    const drained = () =>
      until('the workers to finish', async () => {
        const counts = await Promise.all(queues.map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children')));
        return counts.every((c) => Object.values(c).every((n) => n === 0));
      });
    const deliver = async (event: string, action: string | undefined, o: Parameters<typeof emulatorPayload>[3]) => {
      const payload = await emulatorPayload(gh, event, action, o);
      const r = await sendWebhook(hook, { event, payload, secret: SECRET });
      if (r.status >= 300) throw new Error(`webhook ${event} answered ${r.status}: ${r.body}`);
    };
    const completed = (sha: string, n: number) =>
      until(`${n} completed check run(s) on ${sha.slice(0, 7)}`, () => {
        const runs = gh.checkRuns(OWNER, REPO, { headSha: sha }).filter((c) => c.name.startsWith('driftguard'));
        return runs.length >= n && runs.every((c) => c.status === 'completed') ? runs : undefined;
      });

    // 1. The repository is installed: the first push to main deploys both apps.
    out(show.heading('1. First push to main: Driftguard syncs both apps'));
    const main0 = gh.state.repo(OWNER, REPO)!;
    const firstSha = (await gh.commit(OWNER, REPO, { branch: main0.defaultBranch, files: { 'README.md': '# acme/gitops\n' }, message: 'Add README' }));
    await deliver('push', undefined, { owner: OWNER, repo: REPO, push: { before: '0'.repeat(40), after: firstSha } });
    for (const r of await completed(firstSha, 2)) out(show.checkRun(r));

    // 2. Someone edits the cluster by hand; then a PR changes the web app.
    out(show.heading('2. Drift by hand, then a pull request changes web'));
    await run(kubectl, ['--kubeconfig', kubeconfig, '-n', 'web', 'scale', 'deployment/web', '--replicas=5']);
    out(show.step('kubectl -n web scale deployment/web --replicas=5   (made by hand, not in Git)'));
    const web1 = readTree(join(root, 'examples', 'demo-repo', 'deploy', 'web'));
    await gh.commit(OWNER, REPO, {
      branch: 'web-1.27.3',
      files: {
        'deploy/web/deployment.yaml': web1['deployment.yaml'].replace('nginx:1.27.2', 'nginx:1.27.3').replace('replicas: 2', 'replicas: 3'),
        'deploy/web/config.yaml': web1['config.yaml'].replace('LOG_LEVEL: info', 'LOG_LEVEL: debug').replace('demo-token-not-a-real-secret', 'rotated-demo-token'),
      },
      message: 'web: nginx 1.27.3, 3 replicas, debug logs, rotate token',
    });
    const pr1 = await gh.addPullRequest({ owner: OWNER, repo: REPO, head: 'web-1.27.3', title: 'web: nginx 1.27.3', user: 'octocat' });
    await gh.state.freeze(pr1);
    const head1 = pr1.headSha!;
    await deliver('pull_request', 'opened', { owner: OWNER, repo: REPO, pullNumber: pr1.number });
    for (const r of await completed(head1, 1)) out(show.checkRun(r));
    await drained();
    const comment = await until('the sticky PR comment', () => gh.comments(OWNER, REPO, pr1.number).find((c) => c.body.startsWith(MARKER)));
    out(show.comment(`PR #${pr1.number} comment by ${comment.user}`, comment.body));

    // 3. Merge: GitHub sends a push for the merge commit; Driftguard syncs and reports back.
    out(show.heading(`3. PR #${pr1.number} merged: Driftguard syncs the merge commit`));
    const before = pr1.baseSha!;
    const mergeSha = await gh.mergePullRequest(OWNER, REPO, pr1.number);
    await deliver('pull_request', 'closed', { owner: OWNER, repo: REPO, pullNumber: pr1.number });
    await deliver('push', undefined, { owner: OWNER, repo: REPO, push: { before, after: mergeSha } });
    for (const r of await completed(mergeSha, 1)) out(show.checkRun(r));
    await drained();
    const synced = await until('the "Synced" comment', () => gh.comments(OWNER, REPO, pr1.number).find((c) => c.body.includes('Synced')));
    out(show.comment(`PR #${pr1.number} comment`, synced.body));
    for (const d of gh.deployments(OWNER, REPO)) out(show.deployment(d));

    // 4. A second PR stays open; drift made by hand shows when it is re-planned.
    await gh.commit(OWNER, REPO, {
      branch: 'api-replicas',
      files: { 'deploy/api/overlays/prod/kustomization.yaml': readFileSync(join(root, 'examples/demo-repo/deploy/api/overlays/prod/kustomization.yaml'), 'utf8').replace('value: 3', 'value: 4') },
      message: 'api: 4 replicas',
    });
    const pr2 = await gh.addPullRequest({ owner: OWNER, repo: REPO, head: 'api-replicas', title: 'api: 4 replicas', user: 'octocat' });
    await gh.state.freeze(pr2);
    const head2 = pr2.headSha!;
    await deliver('pull_request', 'opened', { owner: OWNER, repo: REPO, pullNumber: pr2.number });
    await completed(head2, 1);
    await drained();

    const replan = async () => {
      const seen = gh.checkRuns(OWNER, REPO, { headSha: head2 }).length;
      await deliver('issue_comment', 'created', { owner: OWNER, repo: REPO, pullNumber: pr2.number, comment: { body: '/driftguard diff', user: 'octocat' } });
      await completed(head2, seen + 1);
      await drained();
      const c = gh.comments(OWNER, REPO, pr2.number).find((x) => x.body.startsWith(MARKER));
      return c?.body ?? '(no plan comment: the PR changes nothing)';
    };
    return { kube, gh, web, workers, kubeconfig, openPr: pr2.number, replan, close };
  } catch (e) {
    await close();
    throw e;
  }
}
