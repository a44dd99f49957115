export * from './types.ts';
export { parseRepoConfig, normalizeRepoPath, isUnderAppPath, REPO_CONFIG_PATH } from './repo-config.ts';
export { parseOperatorConfig } from './operator-config.ts';
export { authorizeApp } from './authorize-app.ts';
export { globMatch } from './glob.ts';
export type { ConfigProblem } from './yaml-source.ts';
