// GitHub Deployments a sync job can resume: the environment is the app, the commit is the job's. A job
// that died leaves its deployment in progress; whoever runs the job next reuses it (one deployment per
// app and commit, ending in a final status) and gives any other leftover a final status.
import type { RepoClient } from '../src/github/client.ts';
import type { SyncJob } from '../src/queue/jobs.ts';

/** The newest open deployment of job.sha to `environment` (others closed as 'error'), or a new one. */
export async function resumeDeployment(gh: RepoClient, job: Pick<SyncJob, 'sha'>, environment: string, description: string, payload: Record<string, unknown>, kind: { transient?: boolean; production?: boolean } = {}): Promise<number | undefined> {
  const [newest, ...older] = await gh.openDeployments(job.sha, environment);
  for (const id of older) await gh.deploymentStatus(id, 'error', { description: 'The worker running this job stopped; a later run took over', environment });
  return newest ?? gh.createDeployment({ sha: job.sha, environment, description, payload, ...kind });
}

/** Give every open deployment of job.sha to the job's app a final status. */
export async function closeOpenDeployments(gh: RepoClient, job: SyncJob, state: 'error' | 'failure' | 'inactive', description: string): Promise<void> {
  for (const id of await gh.openDeployments(job.sha, job.app)) await gh.deploymentStatus(id, state, { description, environment: job.app });
}
