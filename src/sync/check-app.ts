// The checks of one app's render, with what they need from the outside: the destination cluster's
// schemas and NetworkPolicies when it is given (else bundled schemas, and the render alone), and the
// effective severities of the operator and repo configs. Used by the PR plan, the push sync (before
// any write) and the CLI.
import type { PolicyConfig } from '../core/config/types.ts';
import { parseApiVersion, type SourcedObject } from '../core/model/object.ts';
import { isClusterScopedBuiltin } from '../core/normalize/scope.ts';
import { effectiveSeverities, runChecks } from '../core/policy/index.ts';
import type { AppChecks } from '../core/report/checks.ts';
import type { ReportError } from '../core/report/types.ts';
import type { KubeHttp } from '../kube/http.ts';
import { namespacesWithNetworkPolicy, schemasFor } from '../kube/validation-schemas.ts';

export interface CheckAppInput {
  objects: SourcedObject[];
  /** Destination namespace of objects that set none. */
  namespace: string;
  /** The destination cluster, read for /openapi/v3 and NetworkPolicies; undefined = offline. */
  http?: Pick<KubeHttp, 'request'>;
  /** Version of the bundled schemas used when there is no cluster. */
  kubeVersion?: string;
  operatorPolicy?: PolicyConfig;
  repoPolicy?: PolicyConfig;
  /** Where the repo policy is written (a refused loosening points there). */
  repoConfigFile?: string;
}

export async function checkApp(input: CheckAppInput): Promise<AppChecks> {
  const notes: ReportError[] = [];
  const { severities, refused } = effectiveSeverities(input.operatorPolicy?.rules, input.repoPolicy?.rules);
  for (const r of refused) {
    const line = input.repoPolicy?.lines[r.rule];
    notes.push({
      message: `\`policy.rules.${r.rule}: ${r.requested}\` would loosen the operator's \`${r.operator}\`; a repository can only tighten a rule, so it stays \`${r.operator}\``,
      title: 'Policy not loosened',
      ...(input.repoConfigFile && line ? { location: { file: input.repoConfigFile, line } } : {}),
    });
  }
  const { schemas, fallback } = await schemasFor(input.objects, { ...(input.http ? { http: input.http } : {}), ...(input.kubeVersion ? { kubeVersion: input.kubeVersion } : {}) });
  if (fallback) notes.push({ message: `Validated against the ${schemas.source} schemas: ${fallback}` });

  let live: Set<string> | undefined;
  if (input.http && severities['network-policy'] !== 'off') {
    const namespaces = new Set<string>();
    for (const so of input.objects) {
      const { group } = parseApiVersion(so.object.apiVersion);
      if (!isClusterScopedBuiltin(group, so.object.kind)) namespaces.add(so.object.metadata?.namespace || input.namespace);
    }
    try {
      live = await namespacesWithNetworkPolicy(input.http, [...namespaces]);
    } catch (e) {
      notes.push({ message: `NetworkPolicies in the cluster could not be listed (${(e as Error).message.slice(0, 200)}); only this app's were counted` });
    }
  }
  const result = runChecks(input.objects, { namespace: input.namespace, severities, schemas, ...(live ? { liveNetworkPolicyNamespaces: live } : {}) });
  return { result, notes };
}
