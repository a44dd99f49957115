// The endpoints and endpointslice controllers, in small: a Service with a selector gets an Endpoints
// object of the same name and one EndpointSlice (`<service>-<suffix>`, owned by the Service) listing
// the scheduled pods it selects, ready ones as addresses and the rest as not-ready, with the Service's
// ports resolved to the pods' target ports (named target ports looked up in the containers).
import type { KubeObject } from '../../src/core/model/object.ts';
import { randomSuffix, type KubeApi } from './api.ts';
import { labelSelectorReqs, matchesLabels } from './selectors.ts';

type Obj = Record<string, any>;
const MANAGER = 'endpoint-controller';
const SLICE_MANAGER = 'endpointslice-controller';

const podReady = (p: Obj) => ((p.status?.conditions ?? []) as Obj[]).some((c) => c.type === 'Ready' && c.status === 'True');

function targetPort(port: Obj, pod: Obj): number | undefined {
  const tp = port.targetPort ?? port.port;
  if (typeof tp === 'number') return tp;
  for (const c of (pod.spec?.containers ?? []) as Obj[]) {
    for (const cp of (c.ports ?? []) as Obj[]) if (cp.name === tp && (cp.protocol ?? 'TCP') === (port.protocol ?? 'TCP')) return cp.containerPort;
  }
  return undefined;
}

/** The pods a Service selects: scheduled, with an IP, not terminating. */
export function servicePods(api: KubeApi, svc: Obj): Obj[] {
  const sel = svc.spec?.selector;
  if (!sel || Object.keys(sel).length === 0) return [];
  const reqs = labelSelectorReqs({ matchLabels: sel });
  const podRes = api.registry.byKind('', 'Pod')!;
  return api.store.scan(podRes, svc.metadata.namespace)
    .filter((p) => matchesLabels(reqs, p.metadata.labels) && (p.status as Obj)?.podIP && !p.metadata.deletionTimestamp
      && !['Succeeded', 'Failed'].includes((p.status as Obj)?.phase))
    .sort((a, b) => byteOrder(String((a.status as Obj).podIP), String((b.status as Obj).podIP))) as Obj[];
}

/** Brings the Service's Endpoints and EndpointSlice up to date (no write when nothing changed). */
export function syncEndpoints(api: KubeApi, svc: Obj): void {
  const ns = svc.metadata.namespace as string;
  const epRes = api.registry.byKind('', 'Endpoints')!;
  const sliceRes = api.registry.byKind('discovery.k8s.io', 'EndpointSlice');
  if (!svc.spec?.selector || Object.keys(svc.spec.selector).length === 0 || svc.spec?.type === 'ExternalName') return;
  const pods = servicePods(api, svc);
  const ports = (svc.spec?.ports ?? []) as Obj[];
  const ref = (p: Obj) => ({ kind: 'Pod', namespace: ns, name: p.metadata.name, uid: p.metadata.uid });

  // Endpoints: one subset per distinct port set (here: all pods resolve the same way, or are left out).
  const ready: Obj[] = [];
  const notReady: Obj[] = [];
  const resolved = pods.map((p) => ({ p, nums: ports.map((sp) => targetPort(sp, p)) })).filter((x) => x.nums.every((n) => n !== undefined));
  for (const { p } of resolved) {
    const addr = { ip: p.status.podIP, nodeName: p.spec?.nodeName, targetRef: ref(p) };
    (podReady(p) ? ready : notReady).push(addr);
  }
  const epPorts = resolved.length ? ports.map((sp, i) => ({ ...(sp.name ? { name: sp.name } : {}), port: resolved[0]!.nums[i], protocol: sp.protocol ?? 'TCP' })) : [];
  const subsets = ready.length || notReady.length
    ? [{ ...(ready.length ? { addresses: ready } : {}), ...(notReady.length ? { notReadyAddresses: notReady } : {}), ports: epPorts }]
    : undefined;
  const labels = { ...(svc.metadata.labels ?? {}), 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' };
  const ep = api.store.get(epRes, ns, svc.metadata.name);
  const epBody: KubeObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: svc.metadata.name, namespace: ns, labels }, ...(subsets ? { subsets } : {}) } as KubeObject;
  if (!ep) api.createInternal(epRes, epBody, MANAGER);
  else if (JSON.stringify((ep as Obj).subsets ?? null) !== JSON.stringify(subsets ?? null) || JSON.stringify(ep.metadata.labels ?? {}) !== JSON.stringify(labels)) {
    const next = JSON.parse(JSON.stringify(ep)) as Obj;
    next.metadata.labels = labels;
    if (subsets) next.subsets = subsets; else delete next.subsets;
    api.writeObject(epRes, ep, next as KubeObject, MANAGER);
  }

  if (!sliceRes) return;
  const endpoints = resolved.map(({ p }) => {
    const r = podReady(p);
    return { addresses: [p.status.podIP], conditions: { ready: r, serving: r, terminating: false }, nodeName: p.spec?.nodeName, targetRef: ref(p) };
  });
  const slicePorts = resolved.length ? ports.map((sp, i) => ({ name: sp.name ?? '', port: resolved[0]!.nums[i], protocol: sp.protocol ?? 'TCP' })) : [];
  const sliceLabels = { ...(svc.metadata.labels ?? {}), 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', 'kubernetes.io/service-name': svc.metadata.name };
  const existing = api.store.scan(sliceRes, ns).find((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name
    && (s.metadata.ownerReferences ?? []).some((o) => o.uid === svc.metadata.uid)) as Obj | undefined;
  const body = {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: {
      name: existing?.metadata.name ?? `${svc.metadata.name}-${randomSuffix()}`, namespace: ns, generateName: `${svc.metadata.name}-`, labels: sliceLabels,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: svc.metadata.name, uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }],
    },
    addressType: 'IPv4', endpoints, ports: slicePorts,
  } as Obj;
  if (!existing) { api.createInternal(sliceRes, body as KubeObject, SLICE_MANAGER); return; }
  if (JSON.stringify([existing.endpoints ?? [], existing.ports ?? [], existing.metadata.labels]) === JSON.stringify([endpoints, slicePorts, sliceLabels])) return;
  const next = JSON.parse(JSON.stringify(existing)) as Obj;
  next.metadata.labels = sliceLabels;
  next.endpoints = endpoints;
  next.ports = slicePorts;
  api.writeObject(sliceRes, existing as KubeObject, next as KubeObject, SLICE_MANAGER);
}

/** The Service is gone: its Endpoints go too (slices follow through their owner reference). */
export function dropEndpoints(api: KubeApi, ns: string, name: string): void {
  const epRes = api.registry.byKind('', 'Endpoints')!;
  if (api.store.get(epRes, ns, name)) {
    try { api.delete(epRes, ns, name, {}); } catch { /* gone meanwhile */ }
  }
}

/** The endpoints controller sorts addresses by IP as bytes (bytes.Compare), not numerically: 10.0.0.249 < 10.0.0.52. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
