// What may differ between two API servers answering the same requests, masked before comparing:
// identities and clocks (uid, resourceVersion, timestamps, generated names, allocated IPs and ports)
// and what controllers write on their own schedule (workload status, the deployment revision
// annotation, kube-controller-manager's managedFields entries). Everything else must be equal.

/** Managers whose writes race with the test's requests (controllers): their entries are dropped. */
const CONTROLLER_MANAGERS = new Set(['kube-controller-manager', 'kube-scheduler', 'stand-in-kubelet', 'kubelet', 'driftguard-stand-in-kubelet']);
const CONTROLLER_ANNOTATIONS = ['deployment.kubernetes.io/revision', 'deployment.kubernetes.io/desired-replicas', 'deployment.kubernetes.io/max-replicas'];
const CONTROLLED_STATUS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'ReplicationController']);

type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Masks {
  /** Paths (dotted, from the object root) left out of this comparison: known gaps, see docs/emulators.md. */
  paths?: string[];
}

export function normalize(v: unknown, masks: Masks = {}): unknown {
  const out = JSON.parse(JSON.stringify(v ?? null)) as unknown;
  walk(out, masks);
  return out;
}

function walk(v: unknown, masks: Masks): void {
  if (Array.isArray(v)) { for (const x of v) walk(x, masks); return; }
  if (!isObj(v)) return;
  if (v.kind === 'Status' && isObj(v.details) && v.details.uid) v.details.uid = '<uid>';
  if (isObj(v.metadata) && typeof v.kind === 'string') {
    if (v.kind.endsWith('List')) delete v.metadata.resourceVersion;
    else maskObject(v, masks);
  }
  for (const x of Object.values(v)) walk(x, masks);
}

function maskObject(o: Obj, masks: Masks): void {
  const m = o.metadata as Obj;
  // values derived from the uid (the Job selector's controller-uid labels)
  if (typeof m.uid === 'string') replaceValue(o, m.uid, '<uid>');
  for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp']) if (m[k] !== undefined) m[k] = `<${k}>`;
  if (m.generateName && typeof m.name === 'string' && m.name.startsWith(m.generateName)) m.name = `${m.generateName}<random>`;
  if (Array.isArray(m.managedFields)) {
    // entries are ordered by time (seconds) first: with times masked, order by operation and manager
    m.managedFields = m.managedFields
      .filter((e: Obj) => !CONTROLLER_MANAGERS.has(e.manager))
      .map((e: Obj) => ({ ...e, time: e.time === undefined ? undefined : '<time>' }))
      .sort((a: Obj, b: Obj) => `${a.operation}/${a.manager}/${a.subresource ?? ''}`.localeCompare(`${b.operation}/${b.manager}/${b.subresource ?? ''}`));
    if (m.managedFields.length === 0) delete m.managedFields;
  }
  if (isObj(m.annotations)) {
    for (const a of CONTROLLER_ANNOTATIONS) delete m.annotations[a];
    if (Object.keys(m.annotations).length === 0) delete m.annotations;
  }
  if (CONTROLLED_STATUS.has(o.kind)) delete o.status;
  if (o.kind === 'Service' && isObj(o.spec)) {
    if (o.spec.clusterIP && o.spec.clusterIP !== 'None') o.spec.clusterIP = '<ip>';
    if (Array.isArray(o.spec.clusterIPs)) o.spec.clusterIPs = o.spec.clusterIPs.map((ip: string) => (ip === 'None' ? ip : '<ip>'));
    for (const p of o.spec.ports ?? []) if (p.nodePort !== undefined) p.nodePort = '<port>';
  }
  // the service-account admission plugin's projected volume has a random suffix
  const podSpec = o.kind === 'Pod' ? o.spec : undefined;
  for (const vol of podSpec?.volumes ?? []) if (/^kube-api-access-/.test(vol.name)) vol.name = 'kube-api-access-<random>';
  for (const c of [...(podSpec?.containers ?? []), ...(podSpec?.initContainers ?? [])]) {
    for (const vm of c.volumeMounts ?? []) if (/^kube-api-access-/.test(vm.name)) vm.name = 'kube-api-access-<random>';
  }
  for (const p of masks.paths ?? []) maskPath(o, p.split('.'));
}

function replaceValue(v: unknown, from: string, to: string): void {
  if (Array.isArray(v)) { v.forEach((x, i) => { if (x === from) v[i] = to; else replaceValue(x, from, to); }); return; }
  if (!isObj(v)) return;
  for (const [k, x] of Object.entries(v)) { if (x === from) v[k] = to; else replaceValue(x, from, to); }
}

function maskPath(o: unknown, path: string[]): void {
  if (!isObj(o)) return;
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (head === '*') { for (const v of Object.values(o)) maskPath(v, rest); return; }
  if (rest.length === 0) { delete o[head]; return; }
  const next = o[head];
  if (Array.isArray(next)) for (const x of next) maskPath(x, rest);
  else maskPath(next, rest);
}
