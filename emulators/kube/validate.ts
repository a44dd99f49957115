// The validation the emulator enforces (pkg/apis/*/validation): object names, a few required
// fields, and immutable fields on update. Returns field errors; the caller wraps them as 422 Invalid.
import type { FieldError } from './status.ts';
import { labelSelectorReqs, matchesLabels } from './selectors.ts';

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

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function validateLabels(labels: unknown, field: string): FieldError[] {
  if (!labels || typeof labels !== 'object') return [];
  const out: FieldError[] = [];
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) {
      out.push({ field: `${field}`, type: 'Invalid', value: v, detail: 'a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyValue\',  or \'my_value\',  or \'12345\', regex used for validation is \'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\')' });
    }
    void k;
  }
  return out;
}

const eq = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function goValue(v: unknown): string {
  return JSON.stringify(v ?? null);
}

function immutable(field: string, value: unknown): FieldError {
  return { field, type: 'Invalid', value: goValue(value), detail: 'field is immutable' };
}

function validateWorkloadSelector(o: Obj, errs: FieldError[]): void {
  const s = o.spec ?? {};
  if (!s.selector) { errs.push({ field: 'spec.selector', type: 'Required', detail: '' }); return; }
  const labels = s.template?.metadata?.labels;
  const reqs = labelSelectorReqs(s.selector);
  if (reqs.length === 0) errs.push({ field: 'spec.selector', type: 'Invalid', value: goValue(s.selector), detail: 'empty selector is invalid for deployment' });
  else if (!matchesLabels(reqs, labels)) {
    errs.push({ field: 'spec.template.metadata.labels', type: 'Invalid', value: goValue(labels), detail: '`selector` does not match template `labels`' });
  }
}

/** Pod spec checks the API server makes on every pod template (core/validation ValidatePodSpec, in part). */
function validatePodSpec(spec: Obj | undefined, path: string, errs: FieldError[]): void {
  if (!spec) { errs.push({ field: path, type: 'Required', detail: '' }); return; }
  const containers: Obj[] = Array.isArray(spec.containers) ? spec.containers : [];
  if (containers.length === 0) errs.push({ field: `${path}.containers`, type: 'Required', detail: '' });
  const seen = new Set<string>();
  for (const list of ['initContainers', 'containers'] as const) {
    for (const [i, c] of ((spec[list] ?? []) as Obj[]).entries()) {
      const p = `${path}.${list}[${i}]`;
      if (!c.name) errs.push({ field: `${p}.name`, type: 'Required', detail: '' });
      else if (!DNS1123_LABEL.test(c.name) || c.name.length > 63) errs.push({ field: `${p}.name`, type: 'Invalid', value: c.name, detail: 'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\')' });
      else if (seen.has(c.name)) errs.push({ field: `${p}.name`, type: 'Duplicate', value: c.name, detail: '' });
      else seen.add(c.name);
      if (!c.image || String(c.image).trim() === '') errs.push({ field: `${p}.image`, type: 'Required', detail: '' });
      for (const [j, port] of ((c.ports ?? []) as Obj[]).entries()) {
        const cp = port.containerPort;
        if (typeof cp !== 'number' || cp < 1 || cp > 65535) {
          errs.push(cp === undefined
            ? { field: `${p}.ports[${j}].containerPort`, type: 'Required', detail: '' }
            : { field: `${p}.ports[${j}].containerPort`, type: 'Invalid', value: cp, detail: 'must be between 1 and 65535, inclusive' });
        }
      }
    }
  }
}

function validateServicePorts(o: Obj, errs: FieldError[]): void {
  const ports: Obj[] = o.spec?.ports ?? [];
  const type = o.spec?.type ?? 'ClusterIP';
  if (!['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(type)) {
    errs.push({ field: 'spec.type', type: 'Unsupported', value: type, detail: 'supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"' });
  }
  if (ports.length === 0 && type !== 'ExternalName' && o.spec?.clusterIP !== 'None') errs.push({ field: 'spec.ports', type: 'Required', detail: '' });
  const names = new Set<string>();
  for (const [i, p] of ports.entries()) {
    if (ports.length > 1 && !p.name) errs.push({ field: `spec.ports[${i}].name`, type: 'Required', detail: '' });
    if (p.name) { if (names.has(p.name)) errs.push({ field: `spec.ports[${i}].name`, type: 'Duplicate', value: p.name, detail: '' }); names.add(p.name); }
    if (typeof p.port !== 'number') errs.push({ field: `spec.ports[${i}].port`, type: 'Required', detail: '' });
    else if (p.port < 1 || p.port > 65535) errs.push({ field: `spec.ports[${i}].port`, type: 'Invalid', value: p.port, detail: 'must be between 1 and 65535, inclusive' });
    if (typeof p.targetPort === 'number' && (p.targetPort < 1 || p.targetPort > 65535)) errs.push({ field: `spec.ports[${i}].targetPort`, type: 'Invalid', value: p.targetPort, detail: 'must be between 1 and 65535, inclusive' });
  }
}

/** Validation of a new or updated object (old undefined on create). */
export function validateObject(group: string, o: Obj, old: Obj | undefined): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateLabels(o.metadata?.labels, 'metadata.labels'));
  const gk = group ? `${group}/${o.kind}` : o.kind;
  switch (gk) {
    case 'apps/Deployment':
    case 'apps/StatefulSet':
    case 'apps/DaemonSet':
    case 'apps/ReplicaSet':
      validateWorkloadSelector(o, errs);
      validatePodSpec(o.spec?.template?.spec, 'spec.template.spec', errs);
      if (old && !eq(old.spec?.selector, o.spec?.selector)) errs.push(immutable('spec.selector', o.spec?.selector));
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
      validatePodSpec(o.spec?.jobTemplate?.spec?.template?.spec, 'spec.jobTemplate.spec.template.spec', errs);
      break;
    case 'batch/Job': {
      validatePodSpec(o.spec?.template?.spec, 'spec.template.spec', errs);
      const rp = o.spec?.template?.spec?.restartPolicy;
      if (rp !== 'OnFailure' && rp !== 'Never') {
        errs.push({ field: 'spec.template.spec.restartPolicy', type: 'Unsupported', value: rp, detail: 'supported values: "OnFailure", "Never"' });
      }
      if (old) {
        if (!eq(old.spec?.selector, o.spec?.selector)) errs.push(immutable('spec.selector', o.spec?.selector));
        if (!eq(old.spec?.template, o.spec?.template)) errs.push(immutable('spec.template', o.spec?.template));
        if (!eq(old.spec?.completions, o.spec?.completions) && o.spec?.completionMode !== 'Indexed') errs.push(immutable('spec.completions', o.spec?.completions));
      }
      break;
    }
    case 'Service':
      if (old && old.spec?.clusterIP && old.spec.clusterIP !== o.spec?.clusterIP && old.spec?.type !== 'ExternalName' && o.spec?.type !== 'ExternalName') {
        errs.push({ field: 'spec.clusterIPs[0]', type: 'Invalid', value: o.spec?.clusterIPs?.[0] ?? o.spec?.clusterIP, detail: 'may not change once set' });
      }
      validateServicePorts(o, errs);
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
      if (old && !eq(old.roleRef, o.roleRef)) errs.push({ field: 'roleRef', type: 'Invalid', value: goValue(o.roleRef), detail: 'cannot change roleRef' });
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
