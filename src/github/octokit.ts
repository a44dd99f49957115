// Installation-authenticated octokit for workers, built by Probot itself so configuration is read
// exactly like the web process (APP_ID, PRIVATE_KEY / PRIVATE_KEY_PATH, GHE_HOST + GHE_PROTOCOL →
// `${protocol}://${host}/api/v3`), with Probot's retry and throttling plugins (5xx and secondary
// rate limits are retried) and its installation-token cache.
import { createProbot, ProbotOctokit, type Probot } from 'probot';
import { paceOctokit, type GitHubPacer, type WaitStats } from './pacer.ts';

export type InstallationOctokit = Awaited<ReturnType<Probot['auth']>>;

export interface OctokitFactory {
  forInstallation(installationId: number): Promise<InstallationOctokit>;
  readonly appId: number;
}

/**
 * @param opts.pacer every request of every installation goes through this pacer (src/github/pacer.ts),
 *   which then owns pacing and rate-limit waits: octokit's throttling plugin is turned off so the two do
 *   not both wait (its pacing is per process, the pacer's is shared by every worker process).
 */
export function probotOctokitFactory(env: NodeJS.ProcessEnv = process.env, opts: { pacer?: GitHubPacer } = {}): OctokitFactory {
  if (!env.APP_ID) throw new Error('APP_ID is required (the GitHub App id)');
  const probot = createProbot({ env: probotEnv(env), overrides: throttleOverrides(opts.pacer ? { ...env, DRIFTGUARD_GITHUB_THROTTLE: 'off' } : env) });
  return {
    appId: Number(env.APP_ID),
    forInstallation: async (installationId) => {
      const octokit = await probot.auth(installationId);
      if (opts.pacer) paced.set(octokit, paceOctokit(octokit, opts.pacer, installationId));
      return octokit;
    },
  };
}

const paced = new WeakMap<object, WaitStats>();

/** What a paced octokit's requests waited for GitHub's limits (undefined when not paced). */
export const waitsOf = (octokit: object): WaitStats | undefined => paced.get(octokit);

/**
 * The env Probot should see. REDIS_URL is ours (BullMQ, leases): given to Probot it would switch
 * its throttling to Bottleneck clustering and try to fetch ioredis@5 through npx at startup.
 */
export function probotEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { REDIS_URL: _ignored, ...rest } = env;
  return rest;
}

/**
 * Octokit's throttling follows GitHub's guidance for github.com (writes ≥ 1 s apart, notifying
 * writes such as comments ≥ 3 s apart, per process). DRIFTGUARD_GITHUB_THROTTLE=off turns that
 * pacing off for a GitHub Enterprise Server you operate, the emulator, the demo and benchmarks;
 * retries of 5xx and rate-limit answers (Retry-After) stay on.
 */
export function throttleOverrides(env: NodeJS.ProcessEnv): { Octokit?: typeof ProbotOctokit } {
  if (env.DRIFTGUARD_GITHUB_THROTTLE !== 'off') return {};
  // A function default runs on the final options (an object default would be replaced wholesale
  // by the throttle options Probot passes in).
  const Octokit = ProbotOctokit.defaults((options: Record<string, any>) => ({ ...options, throttle: { ...options.throttle, enabled: false } }));
  return { Octokit: Octokit as typeof ProbotOctokit };
}
