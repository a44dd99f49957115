// Server-side printing (meta.k8s.io/v1 Table), as kubectl get asks for it. Columns follow the
// built-in printers of kube-apiserver (pkg/printers/internalversion); other kinds get NAME + AGE,
// CRDs their additionalPrinterColumns.
import type { KubeObject } from '../../src/core/model/object.ts';
import type { ResourceDef } from './resources.ts';
import { selectorString } from './selectors.ts';

type Obj = Record<string, any>;
interface Column { name: string; type: string; format?: string; description?: string; priority?: number }
interface Printer { columns: Column[]; cells(o: Obj, now: Date): unknown[] }

/** duration.HumanDuration from apimachinery. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 192) return h % 24 === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24)}d`;
  const y = Math.floor(h / 24 / 365);
  if (y < 8) return `${y}y${Math.floor(h / 24) % 365}d`;
  return `${y}y`;
}

const age = (o: Obj, now: Date) => (o.metadata?.creationTimestamp ? humanDuration(now.getTime() - Date.parse(o.metadata.creationTimestamp)) : '<unknown>');
const col = (name: string, type = 'string', priority = 0, description = ''): Column => ({ name, type, format: name === 'Name' ? 'name' : '', description, priority });
const NAME = col('Name', 'string', 0, 'Name must be unique within a namespace.');
const AGE = col('Age', 'string', 0, 'CreationTimestamp is a timestamp representing the server time when this object was created.');
const containers = (spec: Obj | undefined) => (spec?.containers ?? []) as Obj[];
const names = (spec: Obj | undefined) => containers(spec).map((c) => c.name).join(',');
const images = (spec: Obj | undefined) => containers(spec).map((c) => c.image).join(',');
const none = (s: string) => (s === '' ? '<none>' : s);

/** Up to three entries, then ` + N more...`, as the printers list addresses. */
function moreList(list: string[]): string {
  if (list.length === 0) return '<none>';
  return list.length > 3 ? `${list.slice(0, 3).join(',')} + ${list.length - 3} more...` : list.join(',');
}

/** rbac.SubjectsStrings: users, groups, service accounts (namespace/name). */
function subjects(o: Obj): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of (o.subjects ?? []) as Obj[]) {
    if (s.kind === 'User') users.push(s.name);
    else if (s.kind === 'Group') groups.push(s.name);
    else if (s.kind === 'ServiceAccount') sas.push(`${s.namespace ?? ''}/${s.name}`);
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

const ROLE: Printer = {
  columns: [NAME, { ...col('Created At', 'date'), description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' }],
  cells: (o) => [o.metadata.name, o.metadata.creationTimestamp],
};

const ROLE_BINDING: Printer = {
  columns: [NAME, col('Role', 'string', 0, 'Role references the role in this binding.'), AGE, col('Users', 'string', 1, 'Users in the binding.'), col('Groups', 'string', 1, 'Groups in the binding.'), col('ServiceAccounts', 'string', 1, 'ServiceAccounts in the binding.')],
  cells: (o, now) => [o.metadata.name, `${o.roleRef?.kind ?? ''}/${o.roleRef?.name ?? ''}`, age(o, now), ...subjects(o)],
};

function servicePorts(s: Obj): string {
  const ports = (s.spec?.ports ?? []) as Obj[];
  if (ports.length === 0) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function externalIP(s: Obj): string {
  const t = s.spec?.type;
  if (t === 'ExternalName') return s.spec?.externalName ?? '<none>';
  if (t === 'LoadBalancer') {
    const ing = ((s.status?.loadBalancer?.ingress ?? []) as Obj[]).map((i) => i.ip ?? i.hostname);
    const all = [...ing, ...(s.spec?.externalIPs ?? [])];
    return all.length ? all.join(',') : '<pending>';
  }
  return (s.spec?.externalIPs ?? []).length ? s.spec.externalIPs.join(',') : '<none>';
}

function podStatus(p: Obj): { ready: string; status: string; restarts: number } {
  const cs = (p.status?.containerStatuses ?? []) as Obj[];
  const total = containers(p.spec).length;
  const ready = cs.filter((c) => c.ready).length;
  let status = p.status?.reason ?? p.status?.phase ?? 'Pending';
  for (const c of cs) {
    if (c.state?.waiting?.reason) status = c.state.waiting.reason;
    else if (c.state?.terminated?.reason) status = c.state.terminated.reason;
  }
  if (p.metadata?.deletionTimestamp) status = 'Terminating';
  return { ready: `${ready}/${total}`, status, restarts: cs.reduce((n, c) => n + (c.restartCount ?? 0), 0) };
}

function jobStatus(j: Obj): string {
  const conds = (j.status?.conditions ?? []) as Obj[];
  const is = (t: string) => conds.some((c) => c.type === t && c.status === 'True');
  if (is('Complete')) return 'Complete';
  if (is('Failed')) return 'Failed';
  if (j.metadata?.deletionTimestamp) return 'Terminating';
  if (is('Suspended')) return 'Suspended';
  return 'Running';
}

const PRINTERS: Record<string, Printer> = {
  'Pod': {
    columns: [NAME, col('Ready'), col('Status'), col('Restarts', 'string'), AGE, col('IP', 'string', 1), col('Node', 'string', 1), col('Nominated Node', 'string', 1), col('Readiness Gates', 'string', 1)],
    cells: (o, now) => { const s = podStatus(o); return [o.metadata.name, s.ready, s.status, String(s.restarts), age(o, now), o.status?.podIP ?? '<none>', o.spec?.nodeName ?? '<none>', '<none>', '<none>']; },
  },
  'apps/Deployment': {
    columns: [NAME, col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    cells: (o, now) => [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, o.status?.updatedReplicas ?? 0, o.status?.availableReplicas ?? 0, age(o, now), names(o.spec?.template?.spec), images(o.spec?.template?.spec), none(selectorString(o.spec?.selector))],
  },
  'apps/ReplicaSet': {
    columns: [NAME, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    cells: (o, now) => [o.metadata.name, o.spec?.replicas ?? 0, o.status?.replicas ?? 0, o.status?.readyReplicas ?? 0, age(o, now), names(o.spec?.template?.spec), images(o.spec?.template?.spec), none(selectorString(o.spec?.selector))],
  },
  'apps/StatefulSet': {
    columns: [NAME, col('Ready'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1)],
    cells: (o, now) => [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, age(o, now), names(o.spec?.template?.spec), images(o.spec?.template?.spec)],
  },
  'apps/DaemonSet': {
    columns: [NAME, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Node Selector'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    cells: (o, now) => {
      const s = o.status ?? {};
      const ns = Object.entries(o.spec?.template?.spec?.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
      return [o.metadata.name, s.desiredNumberScheduled ?? 0, s.currentNumberScheduled ?? 0, s.numberReady ?? 0, s.updatedNumberScheduled ?? 0, s.numberAvailable ?? 0, none(ns), age(o, now), names(o.spec?.template?.spec), images(o.spec?.template?.spec), none(selectorString(o.spec?.selector))];
    },
  },
  'batch/Job': {
    columns: [NAME, col('Status'), col('Completions'), col('Duration'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    cells: (o, now) => {
      const start = o.status?.startTime ? Date.parse(o.status.startTime) : undefined;
      const end = o.status?.completionTime ? Date.parse(o.status.completionTime) : now.getTime();
      return [o.metadata.name, jobStatus(o), `${o.status?.succeeded ?? 0}/${o.spec?.completions ?? 1}`, start ? humanDuration(end - start) : '', age(o, now), names(o.spec?.template?.spec), images(o.spec?.template?.spec), none(selectorString(o.spec?.selector))];
    },
  },
  'batch/CronJob': {
    columns: [NAME, col('Schedule'), col('Timezone'), col('Suspend', 'boolean'), col('Active', 'integer'), col('Last Schedule'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    cells: (o, now) => [o.metadata.name, o.spec?.schedule ?? '', o.spec?.timeZone ?? '<none>', !!o.spec?.suspend, (o.status?.active ?? []).length, o.status?.lastScheduleTime ? humanDuration(now.getTime() - Date.parse(o.status.lastScheduleTime)) : '<none>', age(o, now), names(o.spec?.jobTemplate?.spec?.template?.spec), images(o.spec?.jobTemplate?.spec?.template?.spec), '<none>'],
  },
  'Service': {
    columns: [NAME, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), AGE, col('Selector', 'string', 1)],
    cells: (o, now) => [o.metadata.name, o.spec?.type ?? 'ClusterIP', o.spec?.clusterIP ?? '<none>', externalIP(o), servicePorts(o), age(o, now), none(Object.entries(o.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(','))],
  },
  'ConfigMap': {
    columns: [NAME, col('Data', 'integer'), AGE],
    cells: (o, now) => [o.metadata.name, Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, age(o, now)],
  },
  'Secret': {
    columns: [NAME, col('Type'), col('Data', 'integer'), AGE],
    cells: (o, now) => [o.metadata.name, o.type ?? 'Opaque', Object.keys(o.data ?? {}).length, age(o, now)],
  },
  'Namespace': {
    columns: [NAME, col('Status'), AGE],
    cells: (o, now) => [o.metadata.name, o.status?.phase ?? 'Active', age(o, now)],
  },
  'ServiceAccount': {
    columns: [NAME, col('Secrets', 'integer'), AGE],
    cells: (o, now) => [o.metadata.name, (o.secrets ?? []).length, age(o, now)],
  },
  'PersistentVolumeClaim': {
    columns: [NAME, col('Status'), col('Volume'), col('Capacity'), col('Access Modes'), col('StorageClass'), col('VolumeAttributesClass'), AGE, col('VolumeMode', 'string', 1)],
    cells: (o, now) => [o.metadata.name, o.status?.phase ?? 'Pending', o.spec?.volumeName ?? '', o.status?.capacity?.storage ?? '', (o.status?.accessModes ?? []).map((m: string) => ({ ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' })[m] ?? m).join(','), o.spec?.storageClassName ?? '<unset>', o.spec?.volumeAttributesClassName ?? '<unset>', age(o, now), o.spec?.volumeMode ?? ''],
  },
  'networking.k8s.io/Ingress': {
    columns: [NAME, col('Class'), col('Hosts'), col('Address'), col('Ports'), AGE],
    cells: (o, now) => {
      const hosts = ((o.spec?.rules ?? []) as Obj[]).map((r) => r.host).filter(Boolean);
      const addr = ((o.status?.loadBalancer?.ingress ?? []) as Obj[]).map((i) => i.ip ?? i.hostname).join(',');
      return [o.metadata.name, o.spec?.ingressClassName ?? '<none>', hosts.length ? hosts.join(',') : '*', addr, o.spec?.tls?.length ? '80, 443' : '80', age(o, now)];
    },
  },
  'autoscaling/HorizontalPodAutoscaler': {
    columns: [NAME, col('Reference'), col('Targets'), col('MinPods', 'string'), col('MaxPods', 'integer'), col('Replicas', 'integer'), AGE],
    cells: (o, now) => [o.metadata.name, `${o.spec?.scaleTargetRef?.kind}/${o.spec?.scaleTargetRef?.name}`, '<unknown>', String(o.spec?.minReplicas ?? 1), o.spec?.maxReplicas ?? 0, o.status?.currentReplicas ?? 0, age(o, now)],
  },
  'rbac.authorization.k8s.io/Role': ROLE,
  'rbac.authorization.k8s.io/ClusterRole': ROLE,
  'rbac.authorization.k8s.io/RoleBinding': ROLE_BINDING,
  'rbac.authorization.k8s.io/ClusterRoleBinding': ROLE_BINDING,
  'ResourceQuota': {
    columns: [NAME, AGE, col('Request', 'string', 0, 'Request represents a minimum amount of cpu/memory that a container may consume.'), col('Limit', 'string', 0, 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.')],
    cells: (o, now) => {
      const request: string[] = [];
      const limit: string[] = [];
      for (const r of Object.keys(o.spec?.hard ?? {}).sort()) {
        const text = `${r}: ${o.status?.used?.[r] ?? '0'}/${o.status?.hard?.[r] ?? '0'}`;
        (r.split('.').length > 1 && r.split('.')[0] === 'limits' ? limit : request).push(text);
      }
      return [o.metadata.name, age(o, now), request.join(', '), limit.join(', ')];
    },
  },
  'policy/PodDisruptionBudget': {
    columns: [NAME, col('Min Available'), col('Max Unavailable'), col('Allowed Disruptions', 'integer'), AGE],
    cells: (o, now) => [o.metadata.name, o.spec?.minAvailable !== undefined ? String(o.spec.minAvailable) : 'N/A', o.spec?.maxUnavailable !== undefined ? String(o.spec.maxUnavailable) : 'N/A', o.status?.disruptionsAllowed ?? 0, age(o, now)],
  },
  'Endpoints': {
    columns: [NAME, col('Endpoints', 'string', 0, 'Endpoints is the list of endpoints.'), AGE],
    cells: (o, now) => {
      const list: string[] = [];
      for (const ss of (o.subsets ?? []) as Obj[]) {
        for (const a of (ss.addresses ?? []) as Obj[]) {
          if ((ss.ports ?? []).length === 0) list.push(a.ip);
          for (const p of (ss.ports ?? []) as Obj[]) list.push(`${a.ip}:${p.port}`);
        }
      }
      return [o.metadata.name, moreList(list), age(o, now)];
    },
  },
  'discovery.k8s.io/EndpointSlice': {
    columns: [NAME, col('AddressType'), col('Ports'), col('Endpoints'), AGE],
    cells: (o, now) => {
      const ports = ((o.ports ?? []) as Obj[]).map((p) => (p.port === undefined ? '<unset>' : String(p.port)));
      const addrs = ((o.endpoints ?? []) as Obj[]).flatMap((e) => (e.addresses ?? []) as string[]);
      return [o.metadata.name, o.addressType ?? '', ports.length ? ports.join(',') : '<unset>', addrs.length ? moreList(addrs) : '<unset>', age(o, now)];
    },
  },
  'apiextensions.k8s.io/CustomResourceDefinition': {
    columns: [NAME, col('Created At', 'date')],
    cells: (o) => [o.metadata.name, o.metadata.creationTimestamp],
  },
};

const GENERIC: Printer = { columns: [NAME, AGE], cells: (o, now) => [o.metadata.name, age(o, now)] };

function jsonPathValue(o: Obj, path: string): unknown {
  let cur: any = o;
  for (const seg of path.replace(/^\./, '').split('.')) {
    const m = /^(.+?)\[(\d+)\]$/.exec(seg);
    cur = m ? cur?.[m[1]!]?.[Number(m[2])] : cur?.[seg];
  }
  return cur;
}

function crdPrinter(crd: Obj | undefined, version: string): Printer | undefined {
  const v = (crd?.spec?.versions ?? []).find((x: Obj) => x.name === version);
  const cols = (v?.additionalPrinterColumns ?? []) as Obj[];
  if (cols.length === 0) return undefined;
  return {
    columns: [NAME, ...cols.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 }))],
    cells: (o, now) => [o.metadata.name, ...cols.map((c) => {
      const val = jsonPathValue(o, c.jsonPath);
      if (c.type === 'date' && typeof val === 'string') return humanDuration(now.getTime() - Date.parse(val));
      return val ?? null;
    })],
  };
}

export function toTable(res: ResourceDef, objects: KubeObject[], opts: { now: Date; includeObject?: string; listMeta?: Obj; crd?: Obj; version: string }): Obj {
  const p = (res.crd ? crdPrinter(opts.crd, opts.version) : undefined) ?? PRINTERS[res.group ? `${res.group}/${res.kind}` : res.kind] ?? GENERIC;
  const include = opts.includeObject ?? 'Metadata';
  return {
    kind: 'Table', apiVersion: 'meta.k8s.io/v1',
    metadata: opts.listMeta ?? {},
    columnDefinitions: p.columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
    rows: objects.map((o) => ({
      cells: p.cells(o as Obj, opts.now),
      object: include === 'None' ? undefined
        : include === 'Object' ? o
        : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
