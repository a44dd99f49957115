// Installation-authenticated octokit for workers, built by Probot itself so configuration is read
// exactly like the web process (APP_ID, PRIVATE_KEY / PRIVATE_KEY_PATH, GHE_HOST + GHE_PROTOCOL →
// `${protocol}://${host}/api/v3`), with Probot's retry and throttling plugins (5xx and secondary
// rate limits are retried) and its installation-token cache.
import { createProbot, type Probot } from 'probot';

export type InstallationOctokit = Awaited<ReturnType<Probot['auth']>>;

export interface OctokitFactory {
  forInstallation(installationId: number): Promise<InstallationOctokit>;
  readonly appId: number;
}

export function probotOctokitFactory(env: NodeJS.ProcessEnv = process.env): OctokitFactory {
  if (!env.APP_ID) throw new Error('APP_ID is required (the GitHub App id)');
  const probot = createProbot({ env });
  return {
    appId: Number(env.APP_ID),
    forInstallation: (installationId) => probot.auth(installationId),
  };
}
