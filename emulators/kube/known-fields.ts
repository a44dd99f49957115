// Fields the typed built-in kinds declare (k8s.io/api 1.34), for the places typos usually happen:
// top level, ObjectMeta, workload and Service specs, pod templates, containers. The real server drops
// undeclared fields on decode (fieldValidation Ignore/Warn), rejects them with Strict (kubectl's
// default: 400 "strict decoding error"), and server-side apply fails on them (500 "field not
// declared in schema"). Kinds and sub-objects not listed here are not checked.

type Obj = Record<string, unknown>;

const META = ['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields'];
const BASE = ['apiVersion', 'kind', 'metadata'];
const SPEC_STATUS = [...BASE, 'spec', 'status'];

const TOP: Record<string, string[]> = {
  ConfigMap: [...BASE, 'data', 'binaryData', 'immutable'],
  Secret: [...BASE, 'data', 'stringData', 'type', 'immutable'],
  ServiceAccount: [...BASE, 'secrets', 'imagePullSecrets', 'automountServiceAccountToken'],
  Namespace: SPEC_STATUS, Service: SPEC_STATUS, Pod: SPEC_STATUS, PersistentVolumeClaim: SPEC_STATUS, PersistentVolume: SPEC_STATUS,
  ResourceQuota: SPEC_STATUS, LimitRange: [...BASE, 'spec'], Node: SPEC_STATUS, ReplicationController: SPEC_STATUS,
  'apps/Deployment': SPEC_STATUS, 'apps/StatefulSet': SPEC_STATUS, 'apps/DaemonSet': SPEC_STATUS, 'apps/ReplicaSet': SPEC_STATUS,
  'apps/ControllerRevision': [...BASE, 'data', 'revision'],
  'batch/Job': SPEC_STATUS, 'batch/CronJob': SPEC_STATUS,
  'networking.k8s.io/Ingress': SPEC_STATUS, 'networking.k8s.io/IngressClass': [...BASE, 'spec'], 'networking.k8s.io/NetworkPolicy': [...BASE, 'spec'],
  'rbac.authorization.k8s.io/Role': [...BASE, 'rules'], 'rbac.authorization.k8s.io/ClusterRole': [...BASE, 'rules', 'aggregationRule'],
  'rbac.authorization.k8s.io/RoleBinding': [...BASE, 'subjects', 'roleRef'], 'rbac.authorization.k8s.io/ClusterRoleBinding': [...BASE, 'subjects', 'roleRef'],
  'autoscaling/HorizontalPodAutoscaler': SPEC_STATUS, 'policy/PodDisruptionBudget': SPEC_STATUS,
  'apiextensions.k8s.io/CustomResourceDefinition': SPEC_STATUS, 'apiregistration.k8s.io/APIService': SPEC_STATUS,
  'coordination.k8s.io/Lease': [...BASE, 'spec'],
  'storage.k8s.io/StorageClass': [...BASE, 'provisioner', 'parameters', 'reclaimPolicy', 'mountOptions', 'allowVolumeExpansion', 'volumeBindingMode', 'allowedTopologies'],
  'scheduling.k8s.io/PriorityClass': [...BASE, 'value', 'globalDefault', 'description', 'preemptionPolicy'],
};

const POD_SPEC = ['volumes', 'initContainers', 'containers', 'ephemeralContainers', 'restartPolicy', 'terminationGracePeriodSeconds', 'activeDeadlineSeconds', 'dnsPolicy', 'nodeSelector', 'serviceAccountName', 'serviceAccount', 'automountServiceAccountToken', 'nodeName', 'hostNetwork', 'hostPID', 'hostIPC', 'shareProcessNamespace', 'securityContext', 'imagePullSecrets', 'hostname', 'subdomain', 'affinity', 'schedulerName', 'tolerations', 'hostAliases', 'priorityClassName', 'priority', 'dnsConfig', 'readinessGates', 'runtimeClassName', 'enableServiceLinks', 'preemptionPolicy', 'overhead', 'topologySpreadConstraints', 'setHostnameAsFQDN', 'os', 'hostUsers', 'schedulingGates', 'resourceClaims', 'resources', 'hostnameOverride'];
const CONTAINER = ['name', 'image', 'command', 'args', 'workingDir', 'ports', 'envFrom', 'env', 'resources', 'resizePolicy', 'restartPolicy', 'restartPolicyRules', 'volumeMounts', 'volumeDevices', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'terminationMessagePath', 'terminationMessagePolicy', 'imagePullPolicy', 'securityContext', 'stdin', 'stdinOnce', 'tty'];
const EPHEMERAL = [...CONTAINER, 'targetContainerName'];
const CONTAINER_PORT = ['name', 'hostPort', 'containerPort', 'protocol', 'hostIP'];
const TEMPLATE = ['metadata', 'spec'];

const SPEC: Record<string, string[]> = {
  'apps/Deployment': ['replicas', 'selector', 'template', 'strategy', 'minReadySeconds', 'revisionHistoryLimit', 'paused', 'progressDeadlineSeconds'],
  'apps/StatefulSet': ['replicas', 'selector', 'template', 'volumeClaimTemplates', 'serviceName', 'podManagementPolicy', 'updateStrategy', 'revisionHistoryLimit', 'minReadySeconds', 'persistentVolumeClaimRetentionPolicy', 'ordinals'],
  'apps/DaemonSet': ['selector', 'template', 'updateStrategy', 'minReadySeconds', 'revisionHistoryLimit'],
  'apps/ReplicaSet': ['replicas', 'minReadySeconds', 'selector', 'template'],
  'batch/Job': ['parallelism', 'completions', 'activeDeadlineSeconds', 'podFailurePolicy', 'successPolicy', 'backoffLimit', 'backoffLimitPerIndex', 'maxFailedIndexes', 'selector', 'manualSelector', 'template', 'ttlSecondsAfterFinished', 'completionMode', 'suspend', 'podReplacementPolicy', 'managedBy'],
  'batch/CronJob': ['schedule', 'timeZone', 'startingDeadlineSeconds', 'concurrencyPolicy', 'suspend', 'jobTemplate', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit'],
  Service: ['ports', 'selector', 'clusterIP', 'clusterIPs', 'type', 'externalIPs', 'sessionAffinity', 'loadBalancerIP', 'loadBalancerSourceRanges', 'externalName', 'externalTrafficPolicy', 'healthCheckNodePort', 'publishNotReadyAddresses', 'sessionAffinityConfig', 'ipFamilies', 'ipFamilyPolicy', 'allocateLoadBalancerNodePorts', 'loadBalancerClass', 'internalTrafficPolicy', 'trafficDistribution'],
  Pod: POD_SPEC,
};
const SERVICE_PORT = ['name', 'protocol', 'appProtocol', 'port', 'targetPort', 'nodePort'];

export interface UnknownField {
  /** Strict-decoding form: `spec.template.spec.containers[0].imagePullPolicyy`. */
  path: string;
  /** Structured-merge-diff form: `.spec.template.spec.containers[name="app"].imagePullPolicyy`. */
  ssaPath: string;
  /** Removes the field from the object it was found in. */
  drop(): void;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const knownSets = new WeakMap<readonly string[], Set<string>>();
function knownSet(known: readonly string[]): Set<string> {
  let s = knownSets.get(known);
  if (!s) knownSets.set(known, (s = new Set(known)));
  return s;
}

/** Undeclared fields of a built-in object, in document order. */
export function unknownFields(group: string, obj: Obj): UnknownField[] {
  const gk = group ? `${group}/${obj.kind}` : String(obj.kind);
  const top = TOP[gk];
  if (!top) return [];
  const out: UnknownField[] = [];
  // Paths are built lazily (thunks): almost every object has no undeclared field at all.
  type P = string | (() => string);
  const str = (p: P) => (typeof p === 'string' ? p : p());
  const check = (o: unknown, known: readonly string[], path: P, ssa: P) => {
    if (!isObj(o)) return;
    const set = knownSet(known);
    for (const k of Object.keys(o)) {
      if (!set.has(k)) {
        const ps = str(path);
        out.push({ path: ps ? `${ps}.${k}` : k, ssaPath: `${str(ssa)}.${k}`, drop: () => { delete o[k]; } });
      }
    }
  };
  const eachItem = (list: unknown, keyOf: (item: Obj, i: number) => string, fn: (item: Obj, p: P, s: P) => void, path: P, ssa: P) => {
    if (!Array.isArray(list)) return;
    list.forEach((item, i) => { if (isObj(item)) fn(item, () => `${str(path)}[${i}]`, () => `${str(ssa)}[${keyOf(item, i)}]`); });
  };
  const podSpec = (spec: unknown, path: P, ssa: P) => {
    if (!isObj(spec)) return;
    check(spec, POD_SPEC, path, ssa);
    for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
      eachItem(spec[list], (c) => `name=${JSON.stringify(c.name)}`, (c, p, s) => {
        check(c, list === 'ephemeralContainers' ? EPHEMERAL : CONTAINER, p, s);
        eachItem(c.ports, (port) => `containerPort=${port.containerPort},protocol=${JSON.stringify(port.protocol ?? 'TCP')}`, (port, pp, ps) => check(port, CONTAINER_PORT, pp, ps), () => `${str(p)}.ports`, () => `${str(s)}.ports`);
      }, () => `${str(path)}.${list}`, () => `${str(ssa)}.${list}`);
    }
  };
  const template = (t: unknown, path: string, ssa: string) => {
    if (!isObj(t)) return;
    check(t, TEMPLATE, path, ssa);
    check(t.metadata, META, `${path}.metadata`, `${ssa}.metadata`);
    podSpec(t.spec, `${path}.spec`, `${ssa}.spec`);
  };


  check(obj, top, '', '');
  check(obj.metadata, META, 'metadata', '.metadata');
  const spec = obj.spec;
  const specKeys = SPEC[gk];
  if (specKeys && isObj(spec)) {
    check(spec, specKeys, 'spec', '.spec');
    if (gk === 'Pod') podSpec(spec, 'spec', '.spec');
    else if (gk === 'Service') eachItem(spec.ports, (p) => `port=${p.port},protocol=${JSON.stringify(p.protocol ?? 'TCP')}`, (p, pp, ps) => check(p, SERVICE_PORT, pp, ps), 'spec.ports', '.spec.ports');
    else if (gk === 'batch/CronJob') {
      const jt = spec.jobTemplate;
      if (isObj(jt) && isObj(jt.spec)) {
        check(jt.spec, SPEC['batch/Job']!, 'spec.jobTemplate.spec', '.spec.jobTemplate.spec');
        template(jt.spec.template, 'spec.jobTemplate.spec.template', '.spec.jobTemplate.spec.template');
      }
    } else template(spec.template, 'spec.template', '.spec.template');
  }
  return out;
}
