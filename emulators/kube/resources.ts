// The API resources the emulator serves: built-ins (as a 1.34 kube-apiserver lists them in discovery)
// plus whatever CRDs register at runtime. Storage is per group+plural, shared by all served versions.

export interface ResourceDef {
  group: string;
  versions: string[]; // served versions, preferred first
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  subresources: Array<'status' | 'scale'>;
  /** metadata.generation is maintained (bumped on spec changes). */
  generation: boolean;
  /** Verbs when not the standard eight (review resources are create-only). */
  verbs?: string[];
  /** Create-only review resource: answered (allowed), never stored. */
  review?: boolean;
  /** Served from a CustomResourceDefinition. */
  crd?: boolean;
  /** Path to the replica count for the scale subresource (CRDs may choose). */
  scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
}

/** `apps/v1` -> {group: 'apps', version: 'v1'}; `v1` -> core group. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** kube-apiserver's group priorities as /apis lists them (observed on 1.36; differential.test.ts). */
const GROUP_ORDER = [
  '', 'apiregistration.k8s.io', 'apps', 'events.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'autoscaling', 'batch',
  'certificates.k8s.io', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'storage.k8s.io', 'admissionregistration.k8s.io',
  'apiextensions.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io', 'node.k8s.io', 'discovery.k8s.io', 'flowcontrol.apiserver.k8s.io', 'resource.k8s.io',
];

export const STANDARD_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function def(group: string, versions: string[], kind: string, plural: string, namespaced: boolean,
  extra: Partial<ResourceDef> = {}): ResourceDef {
  return {
    group, versions, kind, plural, namespaced, listKind: `${kind}List`, singular: kind.toLowerCase(),
    subresources: [], generation: false, ...extra,
  };
}

const WORKLOAD_SCALE = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' };

export function builtinResources(): ResourceDef[] {
  return [
    def('', ['v1'], 'Pod', 'pods', true, { shortNames: ['po'], categories: ['all'], subresources: ['status'], generation: true }),
    def('', ['v1'], 'Service', 'services', true, { shortNames: ['svc'], categories: ['all'], subresources: ['status'] }),
    def('', ['v1'], 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
    def('', ['v1'], 'Secret', 'secrets', true),
    def('', ['v1'], 'Namespace', 'namespaces', false, { shortNames: ['ns'], subresources: ['status'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] }),
    def('', ['v1'], 'ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'] }),
    def('', ['v1'], 'PersistentVolumeClaim', 'persistentvolumeclaims', true, { shortNames: ['pvc'], subresources: ['status'] }),
    def('', ['v1'], 'PersistentVolume', 'persistentvolumes', false, { shortNames: ['pv'], subresources: ['status'] }),
    def('', ['v1'], 'Endpoints', 'endpoints', true, { shortNames: ['ep'], singular: 'endpoints' }),
    def('', ['v1'], 'Event', 'events', true, { shortNames: ['ev'] }),
    def('', ['v1'], 'Node', 'nodes', false, { shortNames: ['no'], subresources: ['status'] }),
    def('', ['v1'], 'ResourceQuota', 'resourcequotas', true, { shortNames: ['quota'], subresources: ['status'] }),
    def('', ['v1'], 'LimitRange', 'limitranges', true, { shortNames: ['limits'] }),
    def('', ['v1'], 'ReplicationController', 'replicationcontrollers', true, { shortNames: ['rc'], categories: ['all'], subresources: ['status', 'scale'], generation: true, scale: WORKLOAD_SCALE }),
    def('apps', ['v1'], 'Deployment', 'deployments', true, { shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'], generation: true, scale: WORKLOAD_SCALE }),
    def('apps', ['v1'], 'StatefulSet', 'statefulsets', true, { shortNames: ['sts'], categories: ['all'], subresources: ['status', 'scale'], generation: true, scale: WORKLOAD_SCALE }),
    def('apps', ['v1'], 'DaemonSet', 'daemonsets', true, { shortNames: ['ds'], categories: ['all'], subresources: ['status'], generation: true }),
    def('apps', ['v1'], 'ReplicaSet', 'replicasets', true, { shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'], generation: true, scale: WORKLOAD_SCALE }),
    def('apps', ['v1'], 'ControllerRevision', 'controllerrevisions', true),
    def('batch', ['v1'], 'Job', 'jobs', true, { categories: ['all'], subresources: ['status'], generation: true }),
    def('batch', ['v1'], 'CronJob', 'cronjobs', true, { shortNames: ['cj'], categories: ['all'], subresources: ['status'], generation: true }),
    def('networking.k8s.io', ['v1'], 'Ingress', 'ingresses', true, { shortNames: ['ing'], subresources: ['status'], generation: true }),
    def('networking.k8s.io', ['v1'], 'IngressClass', 'ingressclasses', false),
    def('networking.k8s.io', ['v1'], 'NetworkPolicy', 'networkpolicies', true, { shortNames: ['netpol'], generation: true }),
    def('rbac.authorization.k8s.io', ['v1'], 'Role', 'roles', true),
    def('rbac.authorization.k8s.io', ['v1'], 'RoleBinding', 'rolebindings', true),
    def('rbac.authorization.k8s.io', ['v1'], 'ClusterRole', 'clusterroles', false),
    def('rbac.authorization.k8s.io', ['v1'], 'ClusterRoleBinding', 'clusterrolebindings', false),
    def('autoscaling', ['v2', 'v1'], 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, { shortNames: ['hpa'], categories: ['all'], subresources: ['status'], generation: false }),
    def('policy', ['v1'], 'PodDisruptionBudget', 'poddisruptionbudgets', true, { shortNames: ['pdb'], subresources: ['status'], generation: true }),
    def('apiextensions.k8s.io', ['v1'], 'CustomResourceDefinition', 'customresourcedefinitions', false, { shortNames: ['crd', 'crds'], categories: ['api-extensions'], subresources: ['status'], generation: true }),
    def('apiregistration.k8s.io', ['v1'], 'APIService', 'apiservices', false, { categories: ['api-extensions'], subresources: ['status'] }),
    def('coordination.k8s.io', ['v1'], 'Lease', 'leases', true),
    def('discovery.k8s.io', ['v1'], 'EndpointSlice', 'endpointslices', true),
    def('storage.k8s.io', ['v1'], 'StorageClass', 'storageclasses', false, { shortNames: ['sc'] }),
    def('scheduling.k8s.io', ['v1'], 'PriorityClass', 'priorityclasses', false, { shortNames: ['pc'] }),
    def('authorization.k8s.io', ['v1'], 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false, { verbs: ['create'], review: true }),
    def('authorization.k8s.io', ['v1'], 'SelfSubjectRulesReview', 'selfsubjectrulesreviews', false, { verbs: ['create'], review: true }),
  ];
}

/** The resources a CRD object serves (one def, all served versions, storage version first). */
export function resourceFromCrd(crd: Record<string, any>): ResourceDef | undefined {
  const spec = crd.spec ?? {};
  const names = spec.names ?? {};
  if (!spec.group || !names.plural || !names.kind) return undefined;
  const versions: any[] = (spec.versions ?? []).filter((v: any) => v.served !== false);
  if (versions.length === 0) return undefined;
  versions.sort((a, b) => Number(!!b.storage) - Number(!!a.storage));
  const sub = versions[0].subresources ?? {};
  const subresources: Array<'status' | 'scale'> = [];
  if (sub.status) subresources.push('status');
  if (sub.scale) subresources.push('scale');
  return {
    group: spec.group,
    versions: versions.map((v) => v.name),
    kind: names.kind,
    listKind: names.listKind ?? `${names.kind}List`,
    plural: names.plural,
    singular: names.singular ?? names.kind.toLowerCase(),
    namespaced: spec.scope !== 'Cluster',
    shortNames: names.shortNames,
    categories: names.categories,
    subresources,
    generation: true,
    crd: true,
    scale: sub.scale,
  };
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** `deployments.apps`, `pods`: the qualified resource as error messages name it. */
export function qualifiedResource(r: { group: string; plural: string }): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

/** `Deployment.apps`, `Pod`: the qualified kind as validation errors name it. */
export function qualifiedKind(r: { group: string; kind: string }): string {
  return r.group ? `${r.kind}.${r.group}` : r.kind;
}

export class ResourceRegistry {
  private defs = new Map<string, ResourceDef>(); // key: group/plural
  private kinds = new Map<string, ResourceDef>(); // key: group/Kind

  constructor(defs: ResourceDef[] = builtinResources()) {
    for (const d of defs) this.add(d);
  }
  add(d: ResourceDef): void {
    const prev = this.defs.get(`${d.group}/${d.plural}`);
    if (prev) this.kinds.delete(`${prev.group}/${prev.kind}`);
    this.defs.set(`${d.group}/${d.plural}`, d);
    this.kinds.set(`${d.group}/${d.kind}`, d);
  }
  remove(group: string, plural: string): void {
    const d = this.defs.get(`${group}/${plural}`);
    this.defs.delete(`${group}/${plural}`);
    if (d && this.kinds.get(`${group}/${d.kind}`) === d) this.kinds.delete(`${group}/${d.kind}`);
  }
  all(): ResourceDef[] { return [...this.defs.values()]; }
  byPlural(group: string, version: string, plural: string): ResourceDef | undefined {
    const d = this.defs.get(`${group}/${plural}`);
    return d && d.versions.includes(version) ? d : undefined;
  }
  byKind(group: string, kind: string): ResourceDef | undefined {
    return this.kinds.get(`${group}/${kind}`);
  }
  /** Groups with their served versions in the API server's discovery order (built-ins by priority, then custom groups by name). */
  groups(): Array<{ group: string; versions: string[] }> {
    const m = new Map<string, string[]>();
    for (const d of this.defs.values()) {
      const vs = m.get(d.group) ?? [];
      for (const v of d.versions) if (!vs.includes(v)) vs.push(v);
      m.set(d.group, vs);
    }
    const rank = (g: string) => { const i = GROUP_ORDER.indexOf(g); return i < 0 ? GROUP_ORDER.length : i; };
    return [...m.entries()].map(([group, versions]) => ({ group, versions }))
      .sort((a, b) => rank(a.group) - rank(b.group) || a.group.localeCompare(b.group));
  }
  inGroupVersion(group: string, version: string): ResourceDef[] {
    return this.all().filter((d) => d.group === group && d.versions.includes(version));
  }
}
