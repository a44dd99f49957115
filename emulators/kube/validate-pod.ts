// Pod spec validation as kube-apiserver does it for Pods and every pod template
// (pkg/apis/core/validation ValidatePodSpec, in the parts GitOps users run into): container names,
// images, ports, env (value/valueFrom exclusivity, one source), envFrom, restartPolicy.
import type { FieldError } from './status.ts';
import { isDns1123Label, isEnvVarName, isValidPortName, isValidPortNum } from './validate-syntax.ts';

type Obj = Record<string, any>;

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const ENV_SOURCES = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'];
const FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
const RESOURCE_FIELDS = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];

function validateEnv(env: unknown, path: string, errs: FieldError[]): void {
  if (!Array.isArray(env)) return;
  for (const [i, ev] of (env as Obj[]).entries()) {
    const p = `${path}[${i}]`;
    if (!ev || typeof ev !== 'object') continue;
    if (!ev.name) errs.push({ field: `${p}.name`, type: 'Required', detail: '' });
    else for (const m of isEnvVarName(String(ev.name))) errs.push({ field: `${p}.name`, type: 'Invalid', value: ev.name, detail: m });
    const vf = ev.valueFrom;
    if (vf == null) continue;
    const vp = `${p}.valueFrom`;
    const sources = ENV_SOURCES.filter((s) => vf[s] != null);
    if (vf.fieldRef) {
      const f = vf.fieldRef;
      if (!f.apiVersion) errs.push({ field: `${vp}.fieldRef.apiVersion`, type: 'Required', detail: '' });
      else if (!f.fieldPath) errs.push({ field: `${vp}.fieldRef.fieldPath`, type: 'Required', detail: '' });
      else if (!FIELD_PATHS.includes(f.fieldPath) && !/^metadata\.(labels|annotations)\['.+'\]$/.test(f.fieldPath)) {
        errs.push({ field: `${vp}.fieldRef.fieldPath`, type: 'Unsupported', value: f.fieldPath, detail: `supported values: ${FIELD_PATHS.map((x) => JSON.stringify(x)).join(', ')}` });
      }
    }
    if (vf.resourceFieldRef) {
      const r = vf.resourceFieldRef;
      if (!r.resource) errs.push({ field: `${vp}.resourceFieldRef.resource`, type: 'Required', detail: '' });
      else if (!RESOURCE_FIELDS.includes(r.resource) && !/^(limits|requests)\.hugepages-/.test(r.resource)) errs.push({ field: `${vp}.resourceFieldRef.resource`, type: 'Unsupported', value: r.resource, detail: `supported values: ${RESOURCE_FIELDS.map((x) => JSON.stringify(x)).join(', ')}` });
    }
    for (const ref of ['configMapKeyRef', 'secretKeyRef'] as const) {
      if (vf[ref] && !vf[ref].key) errs.push({ field: `${vp}.${ref}.key`, type: 'Required', detail: '' });
    }
    // validateEnvVarValueFrom: the value is always reported as "" at .valueFrom.
    if (sources.length === 0) errs.push({ field: vp, type: 'Invalid', value: '', detail: 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`' });
    else if (typeof ev.value === 'string' && ev.value.length > 0) errs.push({ field: vp, type: 'Invalid', value: '', detail: 'may not be specified when `value` is not empty' });
    else if (sources.length > 1) errs.push({ field: vp, type: 'Invalid', value: '', detail: 'may not have more than one field specified at a time' });
  }
}

function validateEnvFrom(envFrom: unknown, path: string, errs: FieldError[]): void {
  if (!Array.isArray(envFrom)) return;
  for (const [i, ef] of (envFrom as Obj[]).entries()) {
    const n = (ef?.configMapRef ? 1 : 0) + (ef?.secretRef ? 1 : 0);
    if (n === 0) errs.push({ field: `${path}[${i}]`, type: 'Invalid', value: '', detail: 'must specify one of: `configMapRef` or `secretRef`' });
    else if (n > 1) errs.push({ field: `${path}[${i}]`, type: 'Invalid', value: '', detail: 'may not have more than one field specified at a time' });
  }
}

function validatePorts(ports: unknown, path: string, errs: FieldError[]): void {
  if (!Array.isArray(ports)) return;
  const names = new Set<string>();
  for (const [j, port] of (ports as Obj[]).entries()) {
    const pp = `${path}[${j}]`;
    if (port.name) {
      for (const m of isValidPortName(String(port.name))) errs.push({ field: `${pp}.name`, type: 'Invalid', value: port.name, detail: m });
      if (names.has(port.name)) errs.push({ field: `${pp}.name`, type: 'Duplicate', value: port.name, detail: '' });
      names.add(port.name);
    }
    const cp = port.containerPort;
    if (cp === undefined || cp === null || cp === 0) errs.push({ field: `${pp}.containerPort`, type: 'Required', detail: '' });
    else for (const m of isValidPortNum(cp)) errs.push({ field: `${pp}.containerPort`, type: 'Invalid', value: cp, detail: m });
    if (port.hostPort) for (const m of isValidPortNum(port.hostPort)) errs.push({ field: `${pp}.hostPort`, type: 'Invalid', value: port.hostPort, detail: m });
    if (port.protocol !== undefined && !PROTOCOLS.includes(port.protocol)) {
      errs.push({ field: `${pp}.protocol`, type: 'Unsupported', value: port.protocol, detail: 'supported values: "SCTP", "TCP", "UDP"' });
    }
  }
}

/**
 * ValidatePodSpec, in part. `restartPolicies` is what the owner allows (workload templates: Always only;
 * Jobs are checked by the caller).
 */
export function validatePodSpec(spec: Obj | undefined, path: string, errs: FieldError[], restartPolicies?: string[]): void {
  if (!spec) { errs.push({ field: path, type: 'Required', detail: '' }); return; }
  const containers: Obj[] = Array.isArray(spec.containers) ? spec.containers : [];
  if (containers.length === 0) errs.push({ field: `${path}.containers`, type: 'Required', detail: '' });
  const seen = new Set<string>();
  for (const list of ['initContainers', 'containers'] as const) {
    if (!Array.isArray(spec[list])) continue;
    for (const [i, c] of (spec[list] as Obj[]).entries()) {
      const p = `${path}.${list}[${i}]`;
      if (!c || typeof c !== 'object') continue;
      if (!c.name) errs.push({ field: `${p}.name`, type: 'Required', detail: '' });
      else {
        const msgs = isDns1123Label(String(c.name));
        for (const m of msgs) errs.push({ field: `${p}.name`, type: 'Invalid', value: c.name, detail: m });
        if (msgs.length === 0 && seen.has(c.name)) errs.push({ field: `${p}.name`, type: 'Duplicate', value: c.name, detail: '' });
        seen.add(c.name);
      }
      if (c.image === undefined || c.image === null || c.image === '') errs.push({ field: `${p}.image`, type: 'Required', detail: '' });
      else if (String(c.image).trim() !== String(c.image)) errs.push({ field: `${p}.image`, type: 'Invalid', value: c.image, detail: 'must not have leading or trailing whitespace' });
      validatePorts(c.ports, `${p}.ports`, errs);
      validateEnv(c.env, `${p}.env`, errs);
      validateEnvFrom(c.envFrom, `${p}.envFrom`, errs);
    }
  }
  if (restartPolicies && spec.restartPolicy !== undefined && !restartPolicies.includes(spec.restartPolicy)) {
    errs.push({ field: `${path}.restartPolicy`, type: 'Unsupported', value: spec.restartPolicy, detail: `supported values: ${restartPolicies.map((x) => JSON.stringify(x)).join(', ')}` });
  }
}
