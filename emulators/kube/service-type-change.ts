// kube-apiserver's dropTypeDependentFields (pkg/registry/core/service/storage): when a Service's type
// changes, fields the old type needed (and the server may have allocated) are wiped, unless the user
// changed them in the same write (then validation judges them). Runs on updates, before defaulting.
type Obj = Record<string, any>;

const needsClusterIP = (s: Obj) => s.type !== 'ExternalName';
const needsNodePort = (s: Obj) => s.type === 'NodePort' || s.type === 'LoadBalancer';
const needsHCNodePort = (s: Obj) => s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const nodePorts = (s: Obj) => new Set(((s.ports ?? []) as Obj[]).map((p) => p.nodePort).filter((n) => n));

/** Mutates `next` (a Service); returns the node ports it released. */
export function dropTypeDependentFields(next: Obj, old: Obj): number[] {
  const ns: Obj = (next.spec ??= {});
  const os: Obj = old.spec ?? {};
  ns.type ??= 'ClusterIP';
  const oType = { ...os, type: os.type ?? 'ClusterIP' };
  const released: number[] = [];
  if (needsClusterIP(oType) && !needsClusterIP(ns)) {
    if (ns.clusterIP === os.clusterIP && same(ns.clusterIPs, os.clusterIPs)) { delete ns.clusterIP; delete ns.clusterIPs; }
    if (same(ns.ipFamilies, os.ipFamilies)) delete ns.ipFamilies;
    if (same(ns.ipFamilyPolicy, os.ipFamilyPolicy)) delete ns.ipFamilyPolicy;
  }
  if (needsNodePort(oType) && !needsNodePort(ns)) {
    const before = nodePorts(os);
    // Users may add, remove or modify ports, as long as they add no new node port.
    if ([...nodePorts(ns)].every((p) => before.has(p))) {
      for (const p of (ns.ports ?? []) as Obj[]) { if (p.nodePort) released.push(p.nodePort); delete p.nodePort; }
    }
  }
  if (needsHCNodePort(oType) && !needsHCNodePort(ns) && ns.healthCheckNodePort === os.healthCheckNodePort) {
    if (ns.healthCheckNodePort) released.push(ns.healthCheckNodePort);
    delete ns.healthCheckNodePort;
  }
  if (oType.type === 'LoadBalancer' && ns.type !== 'LoadBalancer') {
    if (ns.allocateLoadBalancerNodePorts != null && os.allocateLoadBalancerNodePorts != null && ns.allocateLoadBalancerNodePorts === os.allocateLoadBalancerNodePorts) delete ns.allocateLoadBalancerNodePorts;
    if (same(ns.loadBalancerClass, os.loadBalancerClass)) delete ns.loadBalancerClass;
  }
  if (needsNodePort(oType) && !needsNodePort(ns) && ns.externalTrafficPolicy === os.externalTrafficPolicy) delete ns.externalTrafficPolicy;
  // The load-balancer status goes at once (de-provisioning is hidden from the user).
  if (ns.type !== 'LoadBalancer') next.status = { ...(next.status ?? {}), loadBalancer: {} };
  return released;
}
