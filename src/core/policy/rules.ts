// The misconfiguration rules: id, what, default severity, and a small check per rule. The pod rules
// follow the Pod Security Standards (kubernetes.io/docs/concepts/security/pod-security-standards):
// the Baseline controls (privileged, host namespaces, hostPath, capabilities beyond the defaults) are
// errors by default; the Restricted ones (privilege escalation, non-root) and the operational ones
// (requests/limits, image tags, probes, NetworkPolicy, exposed Services) are warnings by default.
import { parseApiVersion, type FieldPath, type KubeObject, type SourcedObject } from '../model/object.ts';
import { containerName, containersOf, field, podSpecOf, runsToCompletion, type Json } from './pod-specs.ts';

export interface RuleHit {
  path: FieldPath;
  message: string;
}

export interface AppContext {
  /** The app's destination namespace (objects without a namespace land there). */
  namespace: string;
  /** Namespaces that have a NetworkPolicy in the cluster; undefined when the cluster was not read. */
  liveNetworkPolicyNamespaces?: Set<string>;
  /** Whether a kind is cluster-scoped (namespace-less); defaults to the built-in table. */
  isClusterScoped?: (group: string, kind: string) => boolean;
}

export interface Rule {
  id: string;
  title: string;
  defaultSeverity: 'error' | 'warning';
  /** Per object. */
  check?(obj: KubeObject): RuleHit[];
  /** Per app, for rules about the whole render (a namespace without NetworkPolicy). */
  checkApp?(objects: SourcedObject[], ctx: AppContext): Array<{ object: SourcedObject; hit: RuleHit; also: SourcedObject[] }>;
}

/** Linux capabilities the Baseline standard lets a container add (the container runtime's defaults). */
const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

const HOST_NAMESPACE: Record<string, string> = { hostNetwork: 'network', hostPID: 'process (PID)', hostIPC: 'IPC' };

function podRule(fn: (obj: KubeObject, pod: NonNullable<ReturnType<typeof podSpecOf>>) => RuleHit[]): (obj: KubeObject) => RuleHit[] {
  return (obj) => {
    const pod = podSpecOf(obj);
    return pod ? fn(obj, pod) : [];
  };
}

/** `nginx`, `nginx:latest`, `ghcr.io:443/acme/web` → the problem with its tag, if any. */
export function imageTagProblem(image: string): string | undefined {
  if (image.includes('@')) return undefined; // pinned by digest
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.lastIndexOf(':');
  if (colon < 0) return 'has no tag, so it means `:latest`';
  if (last.slice(colon + 1) === 'latest') return 'uses the `:latest` tag';
  return undefined;
}

export const RULES: Rule[] = [
  {
    id: 'privileged',
    title: 'Privileged containers',
    defaultSeverity: 'error',
    check: podRule((_o, pod) => containersOf(pod).flatMap((c) => field(c.container, 'securityContext', 'privileged') === true
      ? [{ path: [...c.path, 'securityContext', 'privileged'], message: `${containerName(c)} runs privileged: it has every capability of the node's root user` }]
      : [])),
  },
  {
    id: 'privilege-escalation',
    title: 'allowPrivilegeEscalation not set to false',
    defaultSeverity: 'warning',
    check: podRule((_o, pod) => containersOf(pod).flatMap((c) => field(c.container, 'securityContext', 'allowPrivilegeEscalation') === false ? [] : [{
      path: field(c.container, 'securityContext') === undefined ? c.path : [...c.path, 'securityContext'],
      message: `${containerName(c)} does not set \`securityContext.allowPrivilegeEscalation: false\` (a process could gain more privileges than its parent, e.g. through setuid binaries)`,
    }])),
  },
  {
    id: 'run-as-root',
    title: 'Containers that may run as root',
    defaultSeverity: 'warning',
    check: podRule((_o, pod) => {
      const hits: RuleHit[] = [];
      const podCtx = field(pod.spec, 'securityContext') as Json | undefined;
      if (field(podCtx, 'runAsUser') === 0) hits.push({ path: [...pod.path, 'securityContext', 'runAsUser'], message: 'the pod sets `runAsUser: 0` (root)' });
      for (const c of containersOf(pod)) {
        const own = field(c.container, 'securityContext', 'runAsNonRoot');
        if (field(c.container, 'securityContext', 'runAsUser') === 0) {
          hits.push({ path: [...c.path, 'securityContext', 'runAsUser'], message: `${containerName(c)} sets \`runAsUser: 0\` (root)` });
        } else if (own === false) {
          hits.push({ path: [...c.path, 'securityContext', 'runAsNonRoot'], message: `${containerName(c)} sets \`runAsNonRoot: false\`` });
        } else if (own !== true && field(podCtx, 'runAsNonRoot') !== true) {
          hits.push({ path: c.path, message: `${containerName(c)} may run as root: set \`runAsNonRoot: true\` in its or the pod's securityContext` });
        }
      }
      return hits;
    }),
  },
  {
    id: 'added-capabilities',
    title: 'Added Linux capabilities',
    defaultSeverity: 'error',
    check: podRule((_o, pod) => containersOf(pod).flatMap((c) => {
      const add = field(c.container, 'securityContext', 'capabilities', 'add');
      if (!Array.isArray(add)) return [];
      return add.flatMap((cap, i) => {
        const name = String(cap).toUpperCase().replace(/^CAP_/, '');
        if (name === 'NET_BIND_SERVICE') return []; // the one capability the Restricted standard allows
        const beyond = BASELINE_CAPABILITIES.has(name) ? '' : ' (not even allowed by the Baseline Pod Security Standard)';
        return [{ path: [...c.path, 'securityContext', 'capabilities', 'add', i], message: `${containerName(c)} adds the capability \`${String(cap)}\`${beyond}` }];
      });
    })),
  },
  {
    id: 'host-namespaces',
    title: 'hostNetwork, hostPID, hostIPC',
    defaultSeverity: 'error',
    check: podRule((_o, pod) => ['hostNetwork', 'hostPID', 'hostIPC'].flatMap((f) => pod.spec[f] === true
      ? [{ path: [...pod.path, f], message: `the pod sets \`${f}: true\` and shares the node's ${HOST_NAMESPACE[f]} namespace` }]
      : [])),
  },
  {
    id: 'host-path',
    title: 'hostPath volumes',
    defaultSeverity: 'error',
    check: podRule((_o, pod) => {
      const vols = pod.spec.volumes;
      if (!Array.isArray(vols)) return [];
      return vols.flatMap((v, i) => field(v, 'hostPath') !== undefined
        ? [{ path: [...pod.path, 'volumes', i, 'hostPath'], message: `volume \`${String(field(v, 'name') ?? i)}\` mounts a path of the node (\`hostPath\`)` }]
        : []);
    }),
  },
  {
    id: 'resources',
    title: 'Missing CPU/memory requests and limits',
    defaultSeverity: 'warning',
    check: podRule((_o, pod) => containersOf(pod, ['containers', 'initContainers']).flatMap((c) => {
      const missing = ['requests', 'limits'].flatMap((k) => ['cpu', 'memory'].filter((r) => field(c.container, 'resources', k, r) === undefined).map((r) => `${k}.${r}`));
      if (missing.length === 0) return [];
      const has = field(c.container, 'resources') !== undefined;
      return [{ path: has ? [...c.path, 'resources'] : c.path, message: `${containerName(c)} has no ${missing.map((m) => `\`resources.${m}\``).join(', ')}` }];
    })),
  },
  {
    id: 'image-tag',
    title: '`:latest` or untagged images',
    defaultSeverity: 'warning',
    check: podRule((_o, pod) => containersOf(pod).flatMap((c) => {
      const image = c.container.image;
      const problem = typeof image === 'string' ? imageTagProblem(image) : undefined;
      return problem ? [{ path: [...c.path, 'image'], message: `${containerName(c)}: image \`${image as string}\` ${problem}; pin a version (or a digest) so a sync is repeatable` }] : [];
    })),
  },
  {
    id: 'probes',
    title: 'Missing liveness/readiness probes',
    defaultSeverity: 'warning',
    check: podRule((obj, pod) => runsToCompletion(obj, pod) ? [] : containersOf(pod, ['containers']).flatMap((c) => {
      const missing = ['livenessProbe', 'readinessProbe'].filter((p) => c.container[p] === undefined);
      return missing.length ? [{ path: c.path, message: `${containerName(c)} has no ${missing.map((m) => `\`${m}\``).join(' and ')}` }] : [];
    })),
  },
  {
    id: 'service-allow-list',
    title: 'LoadBalancer/NodePort Services without a source allow-list',
    defaultSeverity: 'warning',
    check: (obj) => {
      if (parseApiVersion(obj.apiVersion).group !== '' || obj.kind !== 'Service') return [];
      const type = field(obj, 'spec', 'type');
      if (type === 'NodePort') {
        return [{ path: ['spec', 'type'], message: 'a NodePort Service opens its port on every node to any source; no allow-list is possible: prefer a LoadBalancer with `loadBalancerSourceRanges`, or an Ingress' }];
      }
      if (type !== 'LoadBalancer') return [];
      const ranges = field(obj, 'spec', 'loadBalancerSourceRanges');
      const annotation = obj.metadata?.annotations?.['service.beta.kubernetes.io/load-balancer-source-ranges'];
      if ((Array.isArray(ranges) && ranges.length > 0) || (typeof annotation === 'string' && annotation.trim() !== '')) return [];
      return [{ path: ['spec', 'type'], message: 'a LoadBalancer Service without `spec.loadBalancerSourceRanges` accepts traffic from any address' }];
    },
  },
  {
    id: 'network-policy',
    title: 'Namespace without any NetworkPolicy',
    defaultSeverity: 'warning',
    checkApp(objects, ctx) {
      // Only namespaces where the app runs pods: NetworkPolicies select pods, a ConfigMap needs none.
      const byNs = new Map<string, SourcedObject[]>();
      const runsPods = new Set<string>();
      const covered = new Set<string>();
      for (const so of objects) {
        const { group } = parseApiVersion(so.object.apiVersion);
        if (ctx.isClusterScoped?.(group, so.object.kind)) continue;
        const ns = so.object.metadata?.namespace || ctx.namespace;
        if (group === 'networking.k8s.io' && so.object.kind === 'NetworkPolicy') covered.add(ns);
        if (podSpecOf(so.object)) runsPods.add(ns);
        if (!byNs.has(ns)) byNs.set(ns, []);
        byNs.get(ns)!.push(so);
      }
      const out: Array<{ object: SourcedObject; hit: RuleHit; also: SourcedObject[] }> = [];
      for (const [ns, objs] of byNs) {
        if (!runsPods.has(ns) || covered.has(ns) || ctx.liveNetworkPolicyNamespaces?.has(ns)) continue;
        const where = ctx.liveNetworkPolicyNamespaces ? 'neither in this app nor in the cluster' : 'in this app; the cluster was not checked';
        const first = objs.find((so) => podSpecOf(so.object))!;
        out.push({ object: first, also: objs.filter((so) => so !== first), hit: { path: ['metadata'], message: `namespace \`${ns}\` has no NetworkPolicy (${where}): every pod in it accepts traffic from anywhere` } });
      }
      return out;
    },
  },
];

/** Rule ids a config may set: the rules plus `schema`. `waiver` (a waiver without reason) is always an error. */
export const SCHEMA_RULE: Pick<Rule, 'id' | 'title' | 'defaultSeverity'> = { id: 'schema', title: 'Manifest does not match the Kubernetes (or CRD) schema', defaultSeverity: 'error' };
export const WAIVER_RULE = 'waiver';
export const CONFIGURABLE_RULES: string[] = [SCHEMA_RULE.id, ...RULES.map((r) => r.id)];

export function defaultSeverities(): Record<string, 'error' | 'warning'> {
  return Object.fromEntries([SCHEMA_RULE, ...RULES].map((r) => [r.id, r.defaultSeverity]));
}
