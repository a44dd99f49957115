// Discovery documents: legacy (/api, /apis, /api/v1, /apis/<g>/<v>) and aggregated
// (apidiscovery.k8s.io/v2 APIGroupDiscoveryList, which kubectl 1.34 asks for first).
import { createHash } from 'node:crypto';
import { apiVersionOf, STANDARD_VERBS, type ResourceDef, type ResourceRegistry } from './resources.ts';

const SUB_VERBS = ['get', 'patch', 'update'];

function storageVersionHash(d: ResourceDef): string {
  return createHash('sha256').update(`${d.group}/${d.versions[0]}/${d.kind}`).digest('base64').slice(0, 11) + '=';
}

export function apiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function apiGroupList(reg: ResourceRegistry): object {
  return {
    kind: 'APIGroupList', apiVersion: 'v1',
    groups: reg.groups().filter((g) => g.group !== '').map((g) => ({
      name: g.group,
      versions: g.versions.map((v) => ({ groupVersion: `${g.group}/${v}`, version: v })),
      preferredVersion: { groupVersion: `${g.group}/${g.versions[0]}`, version: g.versions[0] },
    })),
  };
}

export function apiGroup(reg: ResourceRegistry, group: string): object | undefined {
  const g = reg.groups().find((x) => x.group === group);
  if (!g) return undefined;
  return {
    kind: 'APIGroup', apiVersion: 'v1', name: g.group,
    versions: g.versions.map((v) => ({ groupVersion: `${g.group}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${g.group}/${g.versions[0]}`, version: g.versions[0] },
  };
}

export function apiResourceList(reg: ResourceRegistry, group: string, version: string): object | undefined {
  const defs = reg.inGroupVersion(group, version);
  if (defs.length === 0) return undefined;
  const resources: object[] = [];
  for (const d of defs.sort((a, b) => a.plural.localeCompare(b.plural))) {
    resources.push({
      name: d.plural, singularName: d.singular, namespaced: d.namespaced, kind: d.kind, verbs: d.verbs ?? STANDARD_VERBS,
      ...(d.shortNames?.length ? { shortNames: d.shortNames } : {}),
      ...(d.categories?.length ? { categories: d.categories } : {}),
      storageVersionHash: storageVersionHash(d),
    });
    if (d.kind === 'Pod' && !d.group) resources.push({ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
    for (const s of [...d.subresources].sort()) {
      resources.push(s === 'scale'
        ? { name: `${d.plural}/scale`, singularName: '', namespaced: d.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: SUB_VERBS }
        : { name: `${d.plural}/status`, singularName: '', namespaced: d.namespaced, kind: d.kind, verbs: SUB_VERBS });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources };
}

export const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** Aggregated discovery for the core group (/api) or all named groups (/apis). */
export function aggregatedDiscovery(reg: ResourceRegistry, core: boolean): object {
  const items = reg.groups().filter((g) => (g.group === '') === core).map((g) => ({
    metadata: core ? { creationTimestamp: null } : { name: g.group, creationTimestamp: null },
    versions: g.versions.map((v) => ({
      version: v,
      resources: reg.inGroupVersion(g.group, v).sort((a, b) => a.plural.localeCompare(b.plural)).map((d) => ({
        resource: d.plural,
        responseKind: { group: d.group, version: v, kind: d.kind },
        scope: d.namespaced ? 'Namespaced' : 'Cluster',
        singularResource: d.singular,
        verbs: d.verbs ?? STANDARD_VERBS,
        ...(d.shortNames?.length ? { shortNames: d.shortNames } : {}),
        ...(d.categories?.length ? { categories: d.categories } : {}),
        ...(d.subresources.length ? {
          subresources: [...d.subresources].sort().map((s) => ({
            subresource: s,
            responseKind: s === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { group: d.group, version: v, kind: d.kind },
            verbs: SUB_VERBS,
          })),
        } : {}),
      })),
      freshness: 'Current',
    })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}
