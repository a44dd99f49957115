export { probotOctokitFactory, waitsOf, type OctokitFactory, type InstallationOctokit } from './octokit.ts';
export { RepoClient, canRunCommands, statusOf, ANNOTATIONS_PER_REQUEST, COMPARE_MAX_FILES, type CompareResult, type Annotation, type CheckOutput, type CheckConclusion, type CheckStatus, type Checkout, type Permission, type PullInfo } from './client.ts';
export { extractTarball, MAX_TARBALL_BYTES } from './tarball.ts';
export { GitHubPacer, paceOctokit, githubLimitsFromEnv, isRateLimited, rateLimitedUntil, DEFAULT_GITHUB_LIMITS, type GitHubLimits, type WaitStats } from './pacer.ts';
