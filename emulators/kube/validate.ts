// The validation the emulator enforces (pkg/apis/*/validation): object names, a few required
// fields, and immutable fields on update. Returns field errors; the caller wraps them as 422 Invalid.
import type { FieldError } from './status.ts';
import { labelSelectorReqs, matchesLabels } from './selectors.ts';
import { validatePodSpec } from './validate-pod.ts';
import { goLabelSelector, goStringMap, isDns1123Label, isQualifiedName, isValidLabelValue, isValidPortName, isValidPortNum } from './validate-syntax.ts';

type Obj = Record<string, any>;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const LABEL_NAMED = new Set(['Namespace', 'Service']);
// RBAC and a few kinds allow path-segment names (e.g. `system:controller:foo`).
const PATH_SEGMENT_NAMED = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

export function validateName(kind: string, name: string): FieldError[] {
  if (PATH_SEGMENT_NAMED.has(kind)) {
    if (name === '.' || name === '..' || name.includes('/') || name.includes('%')) {
      return [{ field: 'metadata.name', type: 'Invalid', value: name, detail: 'may not contain \'/\' or \'%\'' }];
    }
    return [];
  }
  if (LABEL_NAMED.has(kind)) {
    if (name.length > 63 || !DNS1123_LABEL.test(name)) {
      const detail = name.length > 63 ? 'must be no more than 63 characters'
        : 'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\')';
      return [{ field: 'metadata.name', type: 'Invalid', value: name, detail }];
    }
    return [];
  }
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    const detail = name.length > 253 ? 'must be no more than 253 characters'
      : 'a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')';
    return [{ field: 'metadata.name', type: 'Invalid', value: name, detail }];
  }
  return [];
}

function validateLabels(labels: unknown, field: string, errs: FieldError[]): void {
  if (!labels || typeof labels !== 'object') return;
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    for (const m of isQualifiedName(k)) errs.push({ field, type: 'Invalid', value: k, detail: m });
    for (const m of typeof v === 'string' ? isValidLabelValue(v) : ['must be a string']) errs.push({ field, type: 'Invalid', value: v, detail: m });
  }
}

function validateAnnotationKeys(annotations: unknown, field: string, errs: FieldError[]): void {
  if (!annotations || typeof annotations !== 'object') return;
  for (const k of Object.keys(annotations as object)) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push({ field, type: 'Invalid', value: k, detail: m });
  }
}

const eq = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function goValue(v: unknown): string {
  return JSON.stringify(v ?? null);
}

function immutable(field: string, value: unknown, go?: string): FieldError {
  return { field, type: 'Invalid', goValue: go ?? goValue(value), detail: 'field is immutable' };
}

const EMPTY_SELECTOR: Record<string, string> = {
  Deployment: 'empty selector is invalid for deployment', ReplicaSet: 'empty selector is invalid for deployment',
  StatefulSet: 'empty selector is invalid for statefulset', DaemonSet: 'empty selector is invalid for daemonset',
};

function validateWorkloadSelector(o: Obj, errs: FieldError[]): void {
  const s = o.spec ?? {};
  const labels = s.template?.metadata?.labels;
  if (!s.selector) {
    // a nil selector matches nothing, so the template labels are reported too (ValidateDeploymentSpec)
    errs.push({ field: 'spec.selector', type: 'Required', detail: '' });
    errs.push({ field: 'spec.template.metadata.labels', type: 'Invalid', goValue: labels ? goStringMap(labels) : 'null', detail: '`selector` does not match template `labels`' });
    return;
  }
  const reqs = labelSelectorReqs(s.selector);
  if (reqs.length === 0) errs.push({ field: 'spec.selector', type: 'Invalid', goValue: goLabelSelector(s.selector), detail: EMPTY_SELECTOR[o.kind] ?? EMPTY_SELECTOR.Deployment! });
  else if (!matchesLabels(reqs, labels)) {
    errs.push({ field: 'spec.template.metadata.labels', type: 'Invalid', goValue: goStringMap(labels), detail: '`selector` does not match template `labels`' });
  }
}

const NODE_PORT_RANGE = [30000, 32767] as const;

/** ValidateService, in part: type, ports, type-dependent fields. */
function validateService(o: Obj, errs: FieldError[]): void {
  const spec = o.spec ?? {};
  const ports: Obj[] = Array.isArray(spec.ports) ? spec.ports : [];
  const type = spec.type ?? 'ClusterIP';
  if (!['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(type)) {
    errs.push({ field: 'spec.type', type: 'Unsupported', value: type, detail: 'supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"' });
  }
  if (type === 'ExternalName') {
    if (!spec.externalName) errs.push({ field: 'spec.externalName', type: 'Required', detail: '' });
  } else if (ports.length === 0 && spec.clusterIP !== 'None') errs.push({ field: 'spec.ports', type: 'Required', detail: '' });
  if (type === 'NodePort' && spec.clusterIP === 'None') errs.push({ field: 'spec.clusterIPs[0]', type: 'Invalid', value: 'None', detail: 'may not be set to \'None\' for NodePort services' });
  if (type === 'LoadBalancer' && spec.clusterIP === 'None') errs.push({ field: 'spec.clusterIPs[0]', type: 'Invalid', value: 'None', detail: 'may not be set to \'None\' for LoadBalancer services' });
  const names = new Set<string>();
  const keys = new Set<string>();
  for (const [i, p] of ports.entries()) {
    const pp = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name) errs.push({ field: `${pp}.name`, type: 'Required', detail: '' });
    if (p.name) {
      for (const m of isDns1123Label(String(p.name))) errs.push({ field: `${pp}.name`, type: 'Invalid', value: p.name, detail: m });
      if (names.has(p.name)) errs.push({ field: `${pp}.name`, type: 'Duplicate', value: p.name, detail: '' });
      names.add(p.name);
    }
    if (p.port === undefined || p.port === null) errs.push({ field: `${pp}.port`, type: 'Required', detail: '' });
    else for (const m of isValidPortNum(p.port)) errs.push({ field: `${pp}.port`, type: 'Invalid', value: p.port, detail: m });
    if (p.protocol !== undefined && !['SCTP', 'TCP', 'UDP'].includes(p.protocol)) errs.push({ field: `${pp}.protocol`, type: 'Unsupported', value: p.protocol, detail: 'supported values: "SCTP", "TCP", "UDP"' });
    if (typeof p.targetPort === 'number') for (const m of isValidPortNum(p.targetPort)) errs.push({ field: `${pp}.targetPort`, type: 'Invalid', value: p.targetPort, detail: m });
    else if (typeof p.targetPort === 'string') for (const m of isValidPortName(p.targetPort)) errs.push({ field: `${pp}.targetPort`, type: 'Invalid', value: p.targetPort, detail: m });
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    if (keys.has(key)) errs.push({ field: pp, type: 'Duplicate', goValue: `core.ServicePort{Name:"", Protocol:${JSON.stringify(p.protocol ?? 'TCP')}, AppProtocol:(*string)(nil), Port:${p.port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`, detail: '' });
    keys.add(key);
    if (p.nodePort) {
      if (type === 'ClusterIP') errs.push({ field: `${pp}.nodePort`, type: 'Forbidden', detail: 'may not be used when `type` is \'ClusterIP\'' });
      else if (typeof p.nodePort === 'number' && (p.nodePort < NODE_PORT_RANGE[0] || p.nodePort > NODE_PORT_RANGE[1])) {
        errs.push({ field: `${pp}.nodePort`, type: 'Invalid', value: p.nodePort, detail: `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE[0]}-${NODE_PORT_RANGE[1]}` });
      }
    }
  }
  const external = type === 'NodePort' || type === 'LoadBalancer';
  if (!external && spec.externalTrafficPolicy) errs.push({ field: 'spec.externalTrafficPolicy', type: 'Invalid', value: spec.externalTrafficPolicy, detail: 'may only be set for externally-accessible services' });
  if (type !== 'LoadBalancer' && spec.allocateLoadBalancerNodePorts != null) errs.push({ field: 'spec.allocateLoadBalancerNodePorts', type: 'Forbidden', detail: 'may only be used when `type` is \'LoadBalancer\'' });
  if (spec.healthCheckNodePort && !(type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local')) {
    errs.push({ field: 'spec.healthCheckNodePort', type: 'Invalid', value: spec.healthCheckNodePort, detail: 'may only be set when `type` is \'LoadBalancer\' and `externalTrafficPolicy` is \'Local\'' });
  }
  if (spec.sessionAffinity !== undefined && !['ClientIP', 'None'].includes(spec.sessionAffinity)) errs.push({ field: 'spec.sessionAffinity', type: 'Unsupported', value: spec.sessionAffinity, detail: 'supported values: "ClientIP", "None"' });
  validateLabels(spec.selector, 'spec.selector', errs);
}

/** Validation of a new or updated object (old undefined on create). */
export function validateObject(group: string, o: Obj, old: Obj | undefined): FieldError[] {
  const errs: FieldError[] = [];
  validateLabels(o.metadata?.labels, 'metadata.labels', errs);
  validateAnnotationKeys(o.metadata?.annotations, 'metadata.annotations', errs);
  const gk = group ? `${group}/${o.kind}` : o.kind;
  switch (gk) {
    case 'apps/Deployment':
    case 'apps/StatefulSet':
    case 'apps/DaemonSet':
    case 'apps/ReplicaSet':
      validateWorkloadSelector(o, errs);
      validateLabels(o.spec?.template?.metadata?.labels, 'spec.template.metadata.labels', errs);
      validatePodSpec(o.spec?.template?.spec, 'spec.template.spec', errs, ['Always']);
      if (old && !eq(old.spec?.selector, o.spec?.selector)) errs.push(immutable('spec.selector', o.spec?.selector, goLabelSelector(o.spec?.selector)));
      if (gk === 'apps/StatefulSet' && old) {
        const allowed = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds', 'revisionHistoryLimit'];
        const strip = (s: Obj | undefined) => Object.fromEntries(Object.entries(s ?? {}).filter(([k]) => !allowed.includes(k)).sort());
        if (!eq(strip(old.spec), strip(o.spec))) {
          errs.push({ field: 'spec', type: 'Forbidden', detail: 'updates to statefulset spec for fields other than \'replicas\', \'ordinals\', \'template\', \'updateStrategy\', \'revisionHistoryLimit\', \'persistentVolumeClaimRetentionPolicy\' and \'minReadySeconds\' are forbidden' });
        }
      }
      break;
    case 'Pod':
      validatePodSpec(o.spec, 'spec', errs);
      break;
    case 'batch/CronJob':
      validatePodSpec(o.spec?.jobTemplate?.spec?.template?.spec, 'spec.jobTemplate.spec.template.spec', errs, ['OnFailure', 'Never']);
      break;
    case 'batch/Job': {
      validatePodSpec(o.spec?.template?.spec, 'spec.template.spec', errs);
      const rp = o.spec?.template?.spec?.restartPolicy;
      if (rp !== 'OnFailure' && rp !== 'Never') {
        errs.push({ field: 'spec.template.spec.restartPolicy', type: 'Unsupported', value: rp, detail: 'supported values: "OnFailure", "Never"' });
      }
      if (old) {
        if (!eq(old.spec?.selector, o.spec?.selector)) errs.push(immutable('spec.selector', o.spec?.selector, goLabelSelector(o.spec?.selector)));
        if (!eq(old.spec?.template, o.spec?.template)) errs.push(immutable('spec.template', o.spec?.template));
        if (!eq(old.spec?.completions, o.spec?.completions) && o.spec?.completionMode !== 'Indexed') errs.push(immutable('spec.completions', o.spec?.completions));
      }
      break;
    }
    case 'Service':
      if (old && old.spec?.clusterIP && old.spec.clusterIP !== o.spec?.clusterIP && old.spec?.type !== 'ExternalName' && o.spec?.type !== 'ExternalName') {
        // the value shown is the new clusterIPs list (the clusterIP the request set, first)
        const ips = o.spec?.clusterIP && o.spec.clusterIP !== o.spec?.clusterIPs?.[0] ? [o.spec.clusterIP] : (o.spec?.clusterIPs ?? [o.spec?.clusterIP]);
        errs.push({ field: 'spec.clusterIPs[0]', type: 'Invalid', goValue: JSON.stringify(ips), detail: 'may not change once set' });
      }
      validateService(o, errs);
      break;
    case 'ConfigMap':
    case 'Secret':
      if (old?.immutable === true) {
        if (o.immutable !== true) errs.push({ field: 'immutable', type: 'Forbidden', detail: 'field is immutable when `immutable` is set' });
        for (const f of gk === 'Secret' ? ['data'] : ['data', 'binaryData']) {
          if (!eq(old[f], o[f])) errs.push({ field: f, type: 'Forbidden', detail: 'field is immutable when `immutable` is set' });
        }
      }
      if (old && gk === 'Secret' && old.type !== o.type) errs.push(immutable('type', o.type));
      break;
    case 'PersistentVolumeClaim':
      if (old) {
        const strip = (s: Obj | undefined) => {
          const c = structuredClone(s ?? {});
          delete c.resources;
          delete c.volumeName; // set by the binder
          delete c.volumeAttributesClassName;
          return c;
        };
        if (!eq(strip(old.spec), strip(o.spec))) {
          errs.push({ field: 'spec', type: 'Forbidden', detail: 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims' });
        }
        const before = old.spec?.resources?.requests?.storage;
        const after = o.spec?.resources?.requests?.storage;
        if (before && after && compareStorage(after, before) < 0) {
          errs.push({ field: 'spec.resources.requests.storage', type: 'Forbidden', detail: 'field can not be less than status.capacity' });
        }
      }
      break;
    case 'rbac.authorization.k8s.io/RoleBinding':
    case 'rbac.authorization.k8s.io/ClusterRoleBinding':
      if (old && !eq(old.roleRef, o.roleRef)) errs.push({ field: 'roleRef', type: 'Invalid', goValue: `rbac.RoleRef{APIGroup:${JSON.stringify(o.roleRef?.apiGroup ?? '')}, Kind:${JSON.stringify(o.roleRef?.kind ?? '')}, Name:${JSON.stringify(o.roleRef?.name ?? '')}}`, detail: 'cannot change roleRef' });
      break;
  }
  return errs;
}

function compareStorage(a: string, b: string): number {
  const bytes = (q: string): number => {
    const m = /^(\d+(?:\.\d+)?)([A-Za-z]*)$/.exec(q);
    if (!m) return 0;
    const mult: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
    return Number(m[1]) * (mult[m[2]!] ?? 1);
  };
  return bytes(a) - bytes(b);
}
