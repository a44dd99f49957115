// The resource quota controller, in small: status.hard mirrors spec.hard and status.used counts the
// namespace's objects (pods, services, configmaps, secrets, claims, `count/<resource>[.<group>]`) and
// sums the non-terminal pods' cpu/memory requests and limits, so `kubectl get quota` and
// `kubectl describe quota` show real figures.
import type { KubeApi } from './api.ts';
import { canonicalQuantity, parseQuantity } from './quantity.ts';

type Obj = Record<string, any>;

const COUNTED: Record<string, [group: string, plural: string]> = {
  pods: ['', 'pods'], services: ['', 'services'], configmaps: ['', 'configmaps'], secrets: ['', 'secrets'],
  persistentvolumeclaims: ['', 'persistentvolumeclaims'], replicationcontrollers: ['', 'replicationcontrollers'],
  resourcequotas: ['', 'resourcequotas'],
};

/** Sum of quantities, printed as the API server prints the sum (binary when the inputs were). */
function sum(values: Array<string | number>): string {
  let nano = 0n;
  let binary = values.length > 0;
  for (const v of values) {
    const p = parseQuantity(v);
    if (!p) continue;
    if (p.format !== 'BinarySI') binary = false;
    const shift = p.e + 9;
    const n = shift >= 0 ? p.n * 10n ** BigInt(shift) : (p.n + 10n ** BigInt(-shift) - 1n) / 10n ** BigInt(-shift);
    nano += p.neg ? -n : n;
  }
  if (nano === 0n) return '0';
  if (binary && nano % 1_000_000_000n === 0n && (nano / 1_000_000_000n) % 1024n === 0n) return canonicalQuantity(`${nano / 1_000_000_000n / 1024n}Ki`);
  return canonicalQuantity(`${nano}n`);
}

function objectsIn(api: KubeApi, group: string, plural: string, ns: string): Obj[] {
  const res = api.registry.all().find((d) => d.group === group && d.plural === plural);
  return res ? (api.store.scan(res, ns) as Obj[]) : [];
}

export function quotaStatus(api: KubeApi, quota: Obj): Obj {
  const ns = quota.metadata.namespace as string;
  const hard: Record<string, string> = { ...(quota.spec?.hard ?? {}) };
  const pods = () => objectsIn(api, '', 'pods', ns).filter((p) => !['Succeeded', 'Failed'].includes(p.status?.phase));
  const used: Record<string, string> = {};
  for (const name of Object.keys(hard)) {
    let m: RegExpExecArray | null;
    if (COUNTED[name]) used[name] = String(name === 'pods' ? pods().length : objectsIn(api, ...COUNTED[name]!, ns).length);
    else if ((m = /^count\/([^.]+)(?:\.(.+))?$/.exec(name))) used[name] = String(m[1] === 'pods' && !m[2] ? pods().length : objectsIn(api, m[2] ?? '', m[1]!, ns).length);
    else if (name === 'services.loadbalancers' || name === 'services.nodeports') {
      const svcs = objectsIn(api, '', 'services', ns);
      used[name] = String(name === 'services.loadbalancers'
        ? svcs.filter((s) => s.spec?.type === 'LoadBalancer').length
        : svcs.flatMap((s) => (s.spec?.ports ?? []) as Obj[]).filter((p) => p.nodePort).length);
    } else if ((m = /^(?:(requests|limits)\.)?(cpu|memory|ephemeral-storage)$/.exec(name))) {
      const kind = m[1] ?? 'requests';
      used[name] = sum(pods().flatMap((p) => ((p.spec?.containers ?? []) as Obj[]).map((c) => c.resources?.[kind]?.[m![2]!]).filter((q) => q !== undefined)));
    } else if (name === 'requests.storage') {
      used[name] = sum(objectsIn(api, '', 'persistentvolumeclaims', ns).map((c) => c.spec?.resources?.requests?.storage).filter((q) => q !== undefined));
    } else used[name] = '0';
  }
  return { hard, used };
}
