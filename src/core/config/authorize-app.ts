// May this repository deploy this app to its cluster/namespace? The operator's projects decide,
// like Argo CD AppProject sourceRepos + destinations.
import type { AppConfig, Authorization, OperatorConfig } from './types.ts';
import { globMatch } from './glob.ts';

export function authorizeApp(operator: OperatorConfig, repoFullName: string, app: Pick<AppConfig, 'name' | 'cluster' | 'namespace'>): Authorization {
  if (!operator.clusters.some((c) => c.name === app.cluster)) {
    return { ok: false, reason: `app "${app.name}": cluster "${app.cluster}" is not defined by the Driftguard operator (known: ${operator.clusters.map((c) => c.name).join(', ') || 'none'})` };
  }
  const repo = repoFullName.toLowerCase();
  const projects = operator.projects.filter((p) => p.repos.some((g) => globMatch(g.toLowerCase(), repo, '/')));
  if (projects.length === 0) {
    return { ok: false, reason: `repository ${repoFullName} is not allowed by any Driftguard project` };
  }
  for (const p of projects) {
    for (const d of p.destinations) {
      if (d.cluster === app.cluster && d.namespaces.some((g) => globMatch(g, app.namespace))) return { ok: true, project: p.name };
    }
  }
  return {
    ok: false,
    reason: `app "${app.name}": ${repoFullName} may not deploy to ${app.cluster}/${app.namespace} (projects: ${projects.map((p) => p.name).join(', ')})`,
  };
}
