// A fault-test system (issue 10): the web process (Probot over HTTP) in this process; worker processes
// (`workers/main.ts`, killable); real redis-server; the Kubernetes and GitHub emulators, whose faults the
// tests turn on. The repo has two automated apps, web and api, in namespaces of the same names.
import { afterEach, after, before } from 'node:test';
import { startSystem, type System } from '../../src/devtools/system.ts';
import { deployment } from '../workers/harness.ts';
import { spawnWorker, type WorkerChild } from './worker-process.ts';

const CONFIG = `apps:
  - name: web
    path: deploy/web
    cluster: dev
    namespace: web
    syncPolicy: {automated: true, prune: true}
  - name: api
    path: deploy/api
    cluster: dev
    namespace: api
    syncPolicy: {automated: true, prune: true}
`;

export interface FaultSystem {
  sys(): System;
  /** A new worker process (killed after each test). */
  worker(env?: NodeJS.ProcessEnv): WorkerChild;
}

/** Registers before/afterEach/after hooks for one test file. */
export function useFaultSystem(): FaultSystem {
  let sys: System | undefined;
  const workers: WorkerChild[] = [];
  before(async () => {
    sys = await startSystem({
      files: { '.github/driftguard.yml': CONFIG, 'deploy/web/deployment.yaml': deployment('web'), 'deploy/api/deployment.yaml': deployment('api') },
      namespaces: ['web', 'api'],
      workers: false,
      // A dead worker's job is picked up again after ~2 s (not 30 s), its app lease expires after 4 s.
      env: { DRIFTGUARD_JOB_LOCK_MS: '2000', LOG_LEVEL: 'warn' },
    });
  });
  afterEach(async () => {
    sys!.gh.clearFaults();
    sys!.kube.faults.clear();
    await sys!.drained(60_000).catch(() => undefined);
    for (const w of workers.splice(0)) await w.kill();
  });
  after(async () => {
    for (const w of workers.splice(0)) await w.kill();
    await sys?.close();
  });
  return {
    sys: () => sys!,
    worker(env = {}) {
      const w = spawnWorker({ ...sys!.env, ...env });
      workers.push(w);
      return w;
    },
  };
}

export function helpers(sys: System) {
  const runsOn = (sha: string) => sys.gh.checkRuns(sys.owner, sys.repo, { headSha: sha }).filter((c) => c.name.startsWith('driftguard'));
  return {
    runsOn,
    describe: (sha: string) => runsOn(sha).map((c) => `${c.name}: ${c.status}/${c.conclusion} ${c.output.title}`).sort(),
    replicas: (ns: string, name: string) => (sys.kube.getObject('apps/v1', 'Deployment', ns, name)?.spec as { replicas?: number } | undefined)?.replicas,
    /** A commit on main changing both apps, and the main head before it. */
    async commitBoth(n: number): Promise<{ before: string; sha: string }> {
      const beforeSha = await sys.gh.commit(sys.owner, sys.repo, { branch: 'main', files: { 'README.md': `before ${n}\n` } });
      const sha = await sys.gh.commit(sys.owner, sys.repo, { branch: 'main', files: { 'deploy/web/deployment.yaml': deployment('web', n), 'deploy/api/deployment.yaml': deployment('api', n) } });
      return { before: beforeSha, sha };
    },
  };
}
