// Checks of a rendered app in a worker: the destination cluster's schemas and NetworkPolicies unless
// offline (fork pull requests), the operator's severities tightened by the repo config.
import type { AppConfig, PolicyConfig } from '../src/core/config/types.ts';
import { REPO_CONFIG_PATH } from '../src/core/config/repo-config.ts';
import type { SourcedObject } from '../src/core/model/object.ts';
import type { AppChecks } from '../src/core/report/checks.ts';
import { checkApp } from '../src/sync/check-app.ts';
import type { WorkerDeps } from './deps.ts';

export async function checkRendered(
  deps: Pick<WorkerDeps, 'cluster' | 'operator'>,
  app: AppConfig,
  objects: SourcedObject[],
  opts: { repoPolicy?: PolicyConfig; offline?: boolean },
): Promise<AppChecks> {
  let http;
  if (!opts.offline) {
    try {
      http = deps.cluster(app.cluster).http;
    } catch {
      http = undefined; // no such cluster client: the authorization check reports that
    }
  }
  return checkApp({
    objects, namespace: app.namespace, ...(http ? { http } : {}),
    ...(deps.operator.policy ? { operatorPolicy: deps.operator.policy } : {}),
    ...(opts.repoPolicy ? { repoPolicy: opts.repoPolicy, repoConfigFile: REPO_CONFIG_PATH } : {}),
  });
}
