// Defaulting on write, following k8s.io/kubernetes pkg/apis/{core,apps,batch,...}/v1/defaults.go and
// the registry strategies. Applied to the final object of every write; each rule is idempotent.
// Allocation (Service clusterIP/nodePort) goes through the `alloc` callbacks so the store owns state.
import { canonicalizeQuantities } from './quantity.ts';

type Obj = Record<string, any>;

export interface Allocators {
  clusterIP(): string;
  nodePort(): number;
}

const setIfAbsent = (o: Obj, k: string, v: unknown) => { if (o[k] === undefined || o[k] === null) o[k] = v; };

function defaultProbe(p: Obj | undefined): void {
  if (!p) return;
  setIfAbsent(p, 'timeoutSeconds', 1);
  setIfAbsent(p, 'periodSeconds', 10);
  setIfAbsent(p, 'successThreshold', 1);
  setIfAbsent(p, 'failureThreshold', 3);
  if (p.httpGet) setIfAbsent(p.httpGet, 'scheme', 'HTTP');
  if (p.grpc) setIfAbsent(p.grpc, 'service', '');
}

function defaultHandler(h: Obj | undefined): void {
  if (h?.httpGet) setIfAbsent(h.httpGet, 'scheme', 'HTTP');
}

/** imagePullPolicy: Always for `:latest` or no tag (and no digest), else IfNotPresent. */
export function defaultPullPolicy(image: string | undefined): string {
  if (!image) return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  const tag = colon > lastSlash ? image.slice(colon + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: Obj): void {
  setIfAbsent(c, 'terminationMessagePath', '/dev/termination-log');
  setIfAbsent(c, 'terminationMessagePolicy', 'File');
  setIfAbsent(c, 'imagePullPolicy', defaultPullPolicy(c.image));
  setIfAbsent(c, 'resources', {});
  for (const p of c.ports ?? []) setIfAbsent(p, 'protocol', 'TCP');
  for (const e of c.env ?? []) if (e.valueFrom?.fieldRef) setIfAbsent(e.valueFrom.fieldRef, 'apiVersion', 'v1');
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultHandler(c.lifecycle?.postStart);
  defaultHandler(c.lifecycle?.preStop);
}

function defaultVolume(v: Obj): void {
  for (const k of ['secret', 'configMap', 'downwardAPI', 'projected']) if (v[k]) setIfAbsent(v[k], 'defaultMode', 420);
  if (v.hostPath) setIfAbsent(v.hostPath, 'type', '');
  if (v.downwardAPI) for (const i of v.downwardAPI.items ?? []) if (i.fieldRef) setIfAbsent(i.fieldRef, 'apiVersion', 'v1');
  if (v.iscsi) setIfAbsent(v.iscsi, 'iscsiInterface', 'default');
  if (v.rbd) { setIfAbsent(v.rbd, 'pool', 'rbd'); setIfAbsent(v.rbd, 'user', 'admin'); setIfAbsent(v.rbd, 'keyring', '/etc/ceph/keyring'); }
  if (v.azureDisk) { setIfAbsent(v.azureDisk, 'cachingMode', 'ReadWrite'); setIfAbsent(v.azureDisk, 'fsType', 'ext4'); setIfAbsent(v.azureDisk, 'readOnly', false); setIfAbsent(v.azureDisk, 'kind', 'Shared'); }
  if (v.ephemeral?.volumeClaimTemplate?.spec) setIfAbsent(v.ephemeral.volumeClaimTemplate.spec, 'volumeMode', 'Filesystem');
}

export function defaultPodSpec(spec: Obj | undefined): void {
  if (!spec) return;
  setIfAbsent(spec, 'dnsPolicy', 'ClusterFirst');
  setIfAbsent(spec, 'restartPolicy', 'Always');
  setIfAbsent(spec, 'terminationGracePeriodSeconds', 30);
  setIfAbsent(spec, 'securityContext', {});
  setIfAbsent(spec, 'schedulerName', 'default-scheduler');
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const c of spec.ephemeralContainers ?? []) defaultContainer(c);
  for (const v of spec.volumes ?? []) defaultVolume(v);
  // DeprecatedServiceAccount mirrors serviceAccountName both ways.
  if (spec.serviceAccountName && !spec.serviceAccount) spec.serviceAccount = spec.serviceAccountName;
  else if (spec.serviceAccount && !spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount;
}

function defaultTemplate(t: Obj | undefined): void {
  if (!t) return;
  setIfAbsent(t, 'metadata', {});
  defaultPodSpec(t.spec);
}

function defaultPvcSpec(spec: Obj | undefined): void {
  if (spec) setIfAbsent(spec, 'volumeMode', 'Filesystem');
}

type Defaulter = (o: Obj, alloc: Allocators) => void;

const DEFAULTERS: Record<string, Defaulter> = {
  'Pod': (o) => {
    defaultPodSpec(o.spec ??= {});
    setIfAbsent(o.spec, 'enableServiceLinks', true);
    setIfAbsent(o.spec, 'priority', 0);
    setIfAbsent(o.spec, 'preemptionPolicy', 'PreemptLowerPriority');
    setIfAbsent(o.spec, 'serviceAccountName', 'default');
    setIfAbsent(o.spec, 'serviceAccount', o.spec.serviceAccountName);
    setIfAbsent(o, 'status', { phase: 'Pending', qosClass: 'BestEffort' });
  },
  'apps/Deployment': (o) => {
    const s = (o.spec ??= {});
    setIfAbsent(s, 'replicas', 1);
    setIfAbsent(s, 'strategy', {});
    setIfAbsent(s.strategy, 'type', 'RollingUpdate');
    if (s.strategy.type === 'RollingUpdate') {
      setIfAbsent(s.strategy, 'rollingUpdate', {});
      setIfAbsent(s.strategy.rollingUpdate, 'maxUnavailable', '25%');
      setIfAbsent(s.strategy.rollingUpdate, 'maxSurge', '25%');
    }
    setIfAbsent(s, 'revisionHistoryLimit', 10);
    setIfAbsent(s, 'progressDeadlineSeconds', 600);
    defaultTemplate(s.template);
  },
  'apps/StatefulSet': (o) => {
    const s = (o.spec ??= {});
    setIfAbsent(s, 'replicas', 1);
    setIfAbsent(s, 'podManagementPolicy', 'OrderedReady');
    setIfAbsent(s, 'updateStrategy', {});
    setIfAbsent(s.updateStrategy, 'type', 'RollingUpdate');
    if (s.updateStrategy.type === 'RollingUpdate') {
      setIfAbsent(s.updateStrategy, 'rollingUpdate', {});
      setIfAbsent(s.updateStrategy.rollingUpdate, 'partition', 0);
    }
    setIfAbsent(s, 'revisionHistoryLimit', 10);
    setIfAbsent(s, 'persistentVolumeClaimRetentionPolicy', {});
    setIfAbsent(s.persistentVolumeClaimRetentionPolicy, 'whenDeleted', 'Retain');
    setIfAbsent(s.persistentVolumeClaimRetentionPolicy, 'whenScaled', 'Retain');
    for (const t of s.volumeClaimTemplates ?? []) {
      setIfAbsent(t, 'apiVersion', 'v1');
      setIfAbsent(t, 'kind', 'PersistentVolumeClaim');
      defaultPvcSpec(t.spec ??= {});
      setIfAbsent(t, 'status', { phase: 'Pending' });
    }
    defaultTemplate(s.template);
  },
  'apps/DaemonSet': (o) => {
    const s = (o.spec ??= {});
    setIfAbsent(s, 'updateStrategy', {});
    setIfAbsent(s.updateStrategy, 'type', 'RollingUpdate');
    if (s.updateStrategy.type === 'RollingUpdate') {
      setIfAbsent(s.updateStrategy, 'rollingUpdate', {});
      setIfAbsent(s.updateStrategy.rollingUpdate, 'maxUnavailable', 1);
      setIfAbsent(s.updateStrategy.rollingUpdate, 'maxSurge', 0);
    }
    setIfAbsent(s, 'revisionHistoryLimit', 10);
    defaultTemplate(s.template);
  },
  'apps/ReplicaSet': (o) => {
    setIfAbsent(o.spec ??= {}, 'replicas', 1);
    defaultTemplate(o.spec.template);
  },
  'ReplicationController': (o) => {
    setIfAbsent(o.spec ??= {}, 'replicas', 1);
    defaultTemplate(o.spec.template);
  },
  'batch/Job': (o) => {
    const s = (o.spec ??= {});
    if (s.completions == null && s.parallelism == null) { s.completions = 1; s.parallelism = 1; }
    setIfAbsent(s, 'parallelism', 1);
    setIfAbsent(s, 'backoffLimit', s.backoffLimitPerIndex != null ? 2147483647 : 6);
    setIfAbsent(s, 'completionMode', 'NonIndexed');
    setIfAbsent(s, 'manualSelector', false);
    setIfAbsent(s, 'suspend', false);
    if (!s.podFailurePolicy) setIfAbsent(s, 'podReplacementPolicy', 'TerminatingOrFailed');
    else setIfAbsent(s, 'podReplacementPolicy', 'Failed');
    defaultTemplate(s.template);
  },
  'batch/CronJob': (o) => {
    const s = (o.spec ??= {});
    setIfAbsent(s, 'concurrencyPolicy', 'Allow');
    setIfAbsent(s, 'suspend', false);
    setIfAbsent(s, 'successfulJobsHistoryLimit', 3);
    setIfAbsent(s, 'failedJobsHistoryLimit', 1);
    setIfAbsent(s, 'jobTemplate', {});
    setIfAbsent(s.jobTemplate, 'metadata', {});
    defaultTemplate(s.jobTemplate.spec?.template);
  },
  'Service': (o, alloc) => {
    const s = (o.spec ??= {});
    setIfAbsent(s, 'type', 'ClusterIP');
    if (s.type !== 'ExternalName') {
      setIfAbsent(s, 'sessionAffinity', 'None');
      if (s.clusterIP == null || s.clusterIP === '') {
        s.clusterIP = s.clusterIPs?.[0] ?? alloc.clusterIP();
      }
      setIfAbsent(s, 'clusterIPs', [s.clusterIP]);
      setIfAbsent(s, 'ipFamilies', ['IPv4']);
      setIfAbsent(s, 'ipFamilyPolicy', 'SingleStack');
      setIfAbsent(s, 'internalTrafficPolicy', 'Cluster');
    } else {
      setIfAbsent(s, 'sessionAffinity', 'None');
    }
    if (s.sessionAffinity === 'ClientIP') {
      setIfAbsent(s, 'sessionAffinityConfig', {});
      setIfAbsent(s.sessionAffinityConfig, 'clientIP', {});
      setIfAbsent(s.sessionAffinityConfig.clientIP, 'timeoutSeconds', 10800);
    }
    const external = s.type === 'NodePort' || s.type === 'LoadBalancer';
    if (external) setIfAbsent(s, 'externalTrafficPolicy', 'Cluster');
    if (s.type === 'LoadBalancer') setIfAbsent(s, 'allocateLoadBalancerNodePorts', true);
    for (const p of s.ports ?? []) {
      setIfAbsent(p, 'protocol', 'TCP');
      if (s.type !== 'ExternalName' && s.clusterIP !== 'None') setIfAbsent(p, 'targetPort', p.port);
      else setIfAbsent(p, 'targetPort', p.port);
      if (external && (p.nodePort == null || p.nodePort === 0)) p.nodePort = alloc.nodePort();
    }
    setIfAbsent(o, 'status', { loadBalancer: {} });
  },
  'Namespace': (o) => {
    o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name };
    setIfAbsent(o, 'spec', {});
    setIfAbsent(o.spec, 'finalizers', ['kubernetes']);
    setIfAbsent(o, 'status', { phase: 'Active' });
  },
  'PersistentVolumeClaim': (o) => {
    defaultPvcSpec(o.spec ??= {});
    setIfAbsent(o, 'status', { phase: 'Pending' });
  },
  'PersistentVolume': (o) => {
    setIfAbsent(o.spec ??= {}, 'persistentVolumeReclaimPolicy', 'Retain');
    setIfAbsent(o.spec, 'volumeMode', 'Filesystem');
    setIfAbsent(o, 'status', { phase: 'Pending' });
  },
  'Secret': (o) => {
    setIfAbsent(o, 'type', 'Opaque');
    if (o.stringData && typeof o.stringData === 'object') {
      o.data = { ...(o.data ?? {}) };
      for (const [k, v] of Object.entries(o.stringData)) o.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
      delete o.stringData;
    }
  },
  // value-struct statuses Go serializes even when empty
  'networking.k8s.io/Ingress': (o) => { setIfAbsent(o, 'status', {}); setIfAbsent(o.status, 'loadBalancer', {}); },
  'ResourceQuota': (o) => { setIfAbsent(o, 'status', {}); },
  'LimitRange': (o) => {
    // a container limit's default request is its default limit (SetDefaults_LimitRangeItem)
    for (const l of o.spec?.limits ?? []) {
      if (l.type !== 'Container' || !l.default) continue;
      l.defaultRequest = { ...l.default, ...(l.defaultRequest ?? {}) };
    }
  },
  'networking.k8s.io/NetworkPolicy': (o) => {
    const s = (o.spec ??= {});
    if (!s.policyTypes || s.policyTypes.length === 0) {
      s.policyTypes = ['Ingress'];
      if (s.egress) s.policyTypes.push('Egress');
    }
    for (const r of [...(s.ingress ?? []), ...(s.egress ?? [])]) for (const p of r.ports ?? []) setIfAbsent(p, 'protocol', 'TCP');
  },
  'autoscaling/HorizontalPodAutoscaler': (o) => {
    const s = (o.spec ??= {});
    setIfAbsent(s, 'minReplicas', 1);
    if (!s.metrics || s.metrics.length === 0) {
      s.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
    }
  },
  'rbac.authorization.k8s.io/RoleBinding': (o) => defaultSubjects(o),
  'rbac.authorization.k8s.io/ClusterRoleBinding': (o) => defaultSubjects(o),
  'apiextensions.k8s.io/CustomResourceDefinition': (o) => {
    const s = (o.spec ??= {});
    setIfAbsent(s, 'conversion', { strategy: 'None' });
    if (s.names) {
      setIfAbsent(s.names, 'singular', String(s.names.kind ?? '').toLowerCase());
      setIfAbsent(s.names, 'listKind', `${s.names.kind}List`);
    }
  },
};

function defaultSubjects(o: Obj): void {
  for (const s of o.subjects ?? []) {
    if (s.kind === 'User' || s.kind === 'Group') setIfAbsent(s, 'apiGroup', 'rbac.authorization.k8s.io');
    // ServiceAccount subjects keep apiGroup "", which Go's omitempty leaves out of the JSON
  }
}

/** Applies the built-in defaults for `group/kind` in place and canonicalizes quantities. */
export function applyDefaults(obj: Obj, group: string, alloc: Allocators, custom: boolean): void {
  if (custom) return;
  DEFAULTERS[group ? `${group}/${obj.kind}` : obj.kind]?.(obj, alloc);
  canonicalizeQuantities(obj);
}
