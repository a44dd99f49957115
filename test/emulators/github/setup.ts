// Shared fixture: an emulator serving acme/gitops (a real git repo with a feature branch and PR #1),
// and octokit clients authenticated the way the app authenticates (@octokit/auth-app).
import { Octokit } from '@octokit/rest';
import { createAppAuth } from '@octokit/auth-app';
import { createGitRepo, startGitHubEmulator, type GitHubEmulator, type GitRepoFixture } from '../../../emulators/github/index.ts';

export const APP_ID = 424242;
/** Octokit logs failed requests to the console; the tests assert on them instead. */
export const quiet = { debug() {}, info() {}, warn() {}, error() {} };
export const OWNER = 'acme';
export const REPO = 'gitops';

export const BASE_FILES = {
  '.github/driftguard.yml': 'apps:\n  - name: web\n    path: deploy/web\n    cluster: production\n    namespace: web\n',
  'deploy/web/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n',
  'deploy/web/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n',
  'README.md': '# gitops\n',
};

export interface Fixture {
  em: GitHubEmulator;
  git: GitRepoFixture;
  installationId: number;
  app: Octokit;
  octokit: Octokit;
  close(): Promise<void>;
}

export async function startFixture(): Promise<Fixture> {
  const em = await startGitHubEmulator({ appId: APP_ID });
  const git = await createGitRepo(BASE_FILES, [
    {
      branch: 'scale-web',
      message: 'Scale web to 3 and add a config map',
      files: {
        'deploy/web/deployment.yaml': BASE_FILES['deploy/web/deployment.yaml'].replace('replicas: 2', 'replicas: 3'),
        'deploy/web/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  LOG_LEVEL: debug\n',
        'deploy/web/service.yaml': null,
      },
    },
  ]);
  await em.addRepo({ owner: OWNER, name: REPO, dir: git.dir, defaultBranch: 'main' });
  await em.addPullRequest({ owner: OWNER, repo: REPO, number: 1, head: 'scale-web', base: 'main', user: 'alice', title: 'Scale web' });
  const installationId = em.installationId(OWNER);
  const app = new Octokit({ authStrategy: createAppAuth, auth: { appId: APP_ID, privateKey: em.privateKey }, baseUrl: em.apiUrl, log: quiet });
  const octokit = new Octokit({ authStrategy: createAppAuth, auth: { appId: APP_ID, privateKey: em.privateKey, installationId }, baseUrl: em.apiUrl, log: quiet });
  return {
    em,
    git,
    installationId,
    app,
    octokit,
    close: async () => {
      await em.close();
      git.remove();
    },
  };
}

/** A plain fetch against the emulator with an installation token (for raw status/header checks). */
export async function installationToken(f: Fixture): Promise<string> {
  const { data } = await f.app.apps.createInstallationAccessToken({ installation_id: f.installationId });
  return data.token;
}
