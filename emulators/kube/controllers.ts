// A small stand-in for kube-controller-manager and the kubelet: Deployments get ReplicaSets and Pods,
// Pods turn Ready after `readyDelayMs` (never, when an image matches `failImagePattern`), workload
// status follows (observedGeneration, replica counts, conditions), Deployments that do not finish
// within their progress deadline get Progressing=False/ProgressDeadlineExceeded, Jobs complete,
// LoadBalancer Services and Ingresses get an address, claims bind, HPAs report their target's scale,
// namespaces get their default ServiceAccount.
// Time is the wall clock plus an offset that `tick()` advances, so tests need not sleep.
import type { KubeObject } from '../../src/core/model/object.ts';
import { randomSuffix, type KubeApi } from './api.ts';
import type { ResourceDef } from './resources.ts';
import { NODE_NAME } from './seed.ts';
import { dropEndpoints, syncEndpoints } from './endpoints-controller.ts';
import { quotaStatus } from './quota-controller.ts';
import { disruptionStatus } from './disruption-controller.ts';

export interface RolloutOptions {
  /** Time from pod creation to Ready. Default 100 ms. */
  readyDelayMs?: number;
  /** Containers whose image matches never become ready (ImagePullBackOff). */
  failImagePattern?: RegExp;
  /** Overrides every Deployment's spec.progressDeadlineSeconds (scaled deadlines for tests). */
  progressDeadlineMs?: number;
  /** No timers: nothing becomes ready until `tick()`. */
  manual?: boolean;
}

type Obj = Record<string, any>;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
const MANAGER = 'kube-controller-manager';

/** controller.ComputeHash: fnv-32a of the template, printed in decimal, then SafeEncodeString. */
export function podTemplateHash(template: unknown, collisionCount = 0): string {
  let h = 0x811c9dc5;
  // Key order must not matter (Go prints the struct deterministically): hash sorted-key JSON.
  const text = stableJson(template) + (collisionCount ? String(collisionCount) : '');
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...String(h)].map((c) => alphabet[c.charCodeAt(0) % alphabet.length]).join('');
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson((v as Obj)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

export class RolloutSimulator {
  private queue = new Map<string, () => void>();
  private flushing = false;
  private scheduled = false;
  private offset = 0;
  private timers = new Map<string, { due: number; handle?: NodeJS.Timeout; fire: () => void }>();
  private readyAt = new Map<string, number>(); // pod uid -> time it turns ready
  // Deployment uid -> ms time of the Progressing condition's lastUpdateTime (the API keeps whole seconds).
  private progressSince = new Map<string, number>();
  private stopped = false;
  private current: string | undefined;
  private readonly delay: number;

  constructor(private readonly api: KubeApi, private readonly opts: RolloutOptions) {
    this.delay = opts.readyDelayMs ?? 100;
  }

  now(): number { return Date.now() + this.offset; }
  private iso(t = this.now()): string { return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z'); }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) if (t.handle) clearTimeout(t.handle);
    this.timers.clear();
  }

  /** Resolves once queued reconciles have run. */
  async idle(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      await new Promise((r) => setImmediate(r));
      if (this.queue.size === 0 && !this.scheduled) return;
    }
  }

  /**
   * Advances the simulated clock past every pending deadline and reconciles. It steps from due time to
   * due time, reconciling at each, so earlier events (pods turning Ready) are seen before later ones
   * (a progress deadline) as they would be in real time.
   */
  tick(): void {
    let maxDue = this.now();
    for (const t of this.timers.values()) maxDue = Math.max(maxDue, t.due);
    for (let i = 0; i < 10000; i++) {
      const due = [...this.timers.values()].filter((t) => t.due <= maxDue).reduce((m, t) => Math.min(m, t.due), Infinity);
      if (due === Infinity) break;
      if (due >= this.now()) this.offset += due - this.now() + 1;
      for (const [key, t] of this.timers) {
        if (t.due > due) continue;
        if (t.handle) clearTimeout(t.handle);
        this.timers.delete(key);
        t.fire();
      }
      this.flush();
    }
    if (maxDue >= this.now()) this.offset += maxDue - this.now() + 1;
    this.reconcileAll();
    this.flush();
  }

  observe(res: ResourceDef, type: string, obj: KubeObject, _old?: KubeObject): void {
    if (this.stopped) return;
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name!;
    if (type === 'DELETED') {
      this.readyAt.delete(obj.metadata.uid!);
      this.progressSince.delete(obj.metadata.uid!);
      if (gk(res) === 'PersistentVolumeClaim') this.defer(`pv/${obj.metadata.uid}`, () => this.releaseVolume(`pvc-${obj.metadata.uid}`));
      if (gk(res) === 'Service') this.defer(`ep/${ns}/${name}`, () => dropEndpoints(this.api, ns, name));
    } else if (this.current !== `${gk(res)}/${ns}/${name}`) {
      // A reconcile's own write of its object needs no second pass.
      this.enqueue(res, ns, name);
    }
    // Pods feed the endpoints of the Services selecting them (old labels too: a pod may leave one).
    if (gk(res) === 'Pod') {
      this.enqueueServicesOf(ns, [obj.metadata.labels, _old?.metadata.labels]);
      const pdbRes = this.api.registry.byKind('policy', 'PodDisruptionBudget');
      if (pdbRes) for (const b of this.api.store.scan(pdbRes, ns)) this.enqueue(pdbRes, ns, b.metadata.name!);
    }
    // Quotas count objects: creations and deletions in a namespace with quotas refresh them.
    if (type !== 'MODIFIED' || gk(res) === 'Pod') this.enqueueQuotas(res, ns);
    for (const ref of obj.metadata.ownerReferences ?? []) {
      if (!ref.controller) continue;
      const owner = this.api.registry.byKind(String(ref.apiVersion ?? '').split('/').length > 1 ? String(ref.apiVersion).split('/')[0]! : '', String(ref.kind));
      if (owner) this.enqueue(owner, ns, String(ref.name));
    }
  }

  private enqueueServicesOf(ns: string, labelSets: Array<Record<string, string> | undefined>): void {
    const svcRes = this.def('', 'Service');
    for (const s of this.api.store.scan(svcRes, ns) as Obj[]) {
      const sel = s.spec?.selector;
      if (!sel || Object.keys(sel).length === 0) continue;
      if (labelSets.some((l) => l && Object.entries(sel).every(([k, v]) => l[k] === v))) this.enqueue(svcRes, ns, s.metadata.name);
    }
  }

  private enqueueQuotas(res: ResourceDef, ns: string): void {
    if (!ns) return;
    const quotaRes = this.def('', 'ResourceQuota');
    for (const q of this.api.store.scan(quotaRes, ns)) this.enqueue(quotaRes, ns, q.metadata.name!);
  }

  private enqueue(res: ResourceDef, ns: string, name: string): void {
    if (!RECONCILED.has(gk(res))) return;
    this.defer(`${gk(res)}/${ns}/${name}`, () => this.reconcile(res, ns, name));
  }

  private defer(key: string, fn: () => void): void {
    this.queue.set(key, fn);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => { this.scheduled = false; this.flush(); });
    }
  }

  private flush(): void {
    if (this.flushing || this.stopped) return;
    this.flushing = true;
    try {
      for (let i = 0; i < 10000 && this.queue.size > 0; i++) {
        const [key, fn] = this.queue.entries().next().value!;
        this.queue.delete(key);
        try { fn(); } catch { /* object changed or vanished meanwhile; the next event retries */ }
      }
    } finally {
      this.flushing = false;
    }
  }

  private reconcileAll(): void {
    for (const res of this.api.registry.all()) {
      if (!RECONCILED.has(gk(res))) continue;
      for (const o of this.api.store.list(res)) this.enqueue(res, o.metadata.namespace ?? '', o.metadata.name!);
    }
  }

  /** Re-reconciles `key` at `due` (simulated time) unless manual; `replace` moves a pending earlier timer later. */
  private at(due: number, res: ResourceDef, ns: string, name: string, replace = false): void {
    const key = `${gk(res)}/${ns}/${name}`;
    const existing = this.timers.get(key);
    if (existing && (replace ? existing.due === due : existing.due <= due)) return;
    if (existing?.handle) clearTimeout(existing.handle);
    const entry: { due: number; handle?: NodeJS.Timeout; fire: () => void } = { due, fire: () => this.enqueue(res, ns, name) };
    if (!this.opts.manual) {
      entry.handle = setTimeout(() => { this.timers.delete(key); entry.fire(); }, Math.max(0, due - this.now()) + 1);
      entry.handle.unref?.();
    }
    this.timers.set(key, entry);
  }

  private def(group: string, kind: string): ResourceDef { return this.api.registry.byKind(group, kind)!; }

  private reconcile(res: ResourceDef, ns: string, name: string): void {
    this.current = `${gk(res)}/${ns}/${name}`;
    try { this.reconcileOne(res, ns, name); } finally { this.current = undefined; }
  }

  private reconcileOne(res: ResourceDef, ns: string, name: string): void {
    const obj = this.api.store.get(res, ns, name) as Obj | undefined;
    if (!obj || obj.metadata.deletionTimestamp && res.kind !== 'Namespace') return;
    switch (gk(res)) {
      case 'Namespace': return this.namespace(obj);
      case 'Pod': return this.pod(res, obj);
      case 'apps/ReplicaSet': return this.replicaSet(res, obj);
      case 'apps/Deployment': return this.deployment(res, obj);
      case 'apps/StatefulSet': return this.statefulSet(res, obj);
      case 'apps/DaemonSet': return this.daemonSet(res, obj);
      case 'batch/Job': return this.job(res, obj);
      case 'Service': return this.service(res, obj);
      case 'ResourceQuota': return this.quota(res, obj);
      case 'policy/PodDisruptionBudget': {
        const status = disruptionStatus(this.api, obj, this.iso());
        if (JSON.stringify(status) !== JSON.stringify(obj.status ?? null)) this.api.writeStatus(res, obj as KubeObject, status, MANAGER);
        return;
      }
      case 'PersistentVolumeClaim': return this.claim(res, obj);
      case 'networking.k8s.io/Ingress': return this.ingress(res, obj);
      case 'autoscaling/HorizontalPodAutoscaler': return this.autoscaler(res, obj);
    }
  }

  // ---- namespaces ----

  private namespace(ns: Obj): void {
    if (ns.metadata.deletionTimestamp) return;
    const name = ns.metadata.name;
    const sa = this.def('', 'ServiceAccount');
    if (!this.api.store.get(sa, name, 'default')) {
      this.api.create(sa, name, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } }, { manager: MANAGER });
    }
    const cm = this.def('', 'ConfigMap');
    if (!this.api.store.get(cm, name, 'kube-root-ca.crt')) {
      this.api.create(cm, name, {
        apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: name, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } },
        data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\nZHJpZnRndWFyZC1lbXVsYXRvcg==\n-----END CERTIFICATE-----\n' },
      }, { manager: MANAGER });
    }
  }

  // ---- pods ----

  private failing(spec: Obj | undefined): boolean {
    const re = this.opts.failImagePattern;
    if (!re) return false;
    return [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].some((c: Obj) => re.test(String(c.image ?? '')));
  }

  private pod(res: ResourceDef, pod: Obj): void {
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
    const uid = pod.metadata.uid;
    if (!this.readyAt.has(uid)) this.readyAt.set(uid, this.now() + this.delay);
    const due = this.readyAt.get(uid)!;
    const failing = this.failing(pod.spec);
    const ready = !failing && this.now() >= due;
    const created = pod.metadata.creationTimestamp;
    const containers: Obj[] = pod.spec?.containers ?? [];
    const qos = containers.some((c) => Object.keys(c.resources?.requests ?? {}).length || Object.keys(c.resources?.limits ?? {}).length) ? 'Burstable' : 'BestEffort';
    const isJob = (pod.metadata.ownerReferences ?? []).some((r: Obj) => r.kind === 'Job');
    const succeeded = ready && isJob;
    const status: Obj = {
      phase: succeeded ? 'Succeeded' : ready ? 'Running' : 'Pending',
      conditions: [
        { type: 'PodReadyToStartContainers', status: ready || failing ? 'True' : 'False', lastTransitionTime: created },
        { type: 'Initialized', status: 'True', lastTransitionTime: created },
        { type: 'Ready', status: ready && !succeeded ? 'True' : 'False', lastTransitionTime: ready ? this.iso(due) : created, ...(ready && !succeeded ? {} : { reason: succeeded ? 'PodCompleted' : 'ContainersNotReady', message: succeeded ? undefined : `containers with unready status: [${containers.map((c) => c.name).join(' ')}]` }) },
        { type: 'ContainersReady', status: ready && !succeeded ? 'True' : 'False', lastTransitionTime: ready ? this.iso(due) : created },
        { type: 'PodScheduled', status: 'True', lastTransitionTime: created },
      ].map((c) => JSON.parse(JSON.stringify(c))),
      hostIP: '172.18.0.2', hostIPs: [{ ip: '172.18.0.2' }],
      podIP: `10.244.0.${(hash32(uid) % 250) + 2}`, podIPs: [{ ip: `10.244.0.${(hash32(uid) % 250) + 2}` }],
      startTime: created,
      qosClass: qos,
      containerStatuses: containers.map((c) => ({
        name: c.name, image: c.image, imageID: ready ? `${c.image}@sha256:${'0'.repeat(64)}` : '',
        ready: ready && !succeeded, started: ready && !succeeded, restartCount: 0,
        state: succeeded ? { terminated: { exitCode: 0, reason: 'Completed', startedAt: this.iso(due), finishedAt: this.iso(due) } }
          : ready ? { running: { startedAt: this.iso(due) } }
          : failing ? { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` } }
          : { waiting: { reason: 'ContainerCreating' } },
        ...(ready ? { containerID: `containerd://${uid.replace(/-/g, '')}` } : {}),
      })),
    };
    let live = this.api.store.get(res, pod.metadata.namespace, pod.metadata.name)!;
    if (!live.spec || !(live.spec as Obj).nodeName) {
      const next = clone(live);
      (next.spec as Obj).nodeName = NODE_NAME;
      live = this.api.writeObject(res, live, next, 'kube-scheduler');
    }
    // A pod on its way up keeps its defaulted Pending status until it is ready (or fails): fewer writes.
    if (ready || failing) this.api.writeStatus(res, live, status, 'kubelet');
    else this.at(due, res, pod.metadata.namespace, pod.metadata.name);
  }

  private podsOwnedBy(owner: Obj): KubeObject[] {
    return this.api.store.scan(this.def('', 'Pod'), owner.metadata.namespace)
      .filter((p) => (p.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid));
  }

  private newPod(owner: Obj, ownerKind: string, ownerApi: string, name: string, extraLabels: Record<string, string>, template: Obj): void {
    const meta = template?.metadata ?? {};
    this.api.create(this.def('', 'Pod'), owner.metadata.namespace, {
      apiVersion: 'v1', kind: 'Pod',
      metadata: {
        name, namespace: owner.metadata.namespace,
        labels: { ...(meta.labels ?? {}), ...extraLabels },
        ...(meta.annotations ? { annotations: meta.annotations } : {}),
        ownerReferences: [{ apiVersion: ownerApi, kind: ownerKind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      // Created already bound to the one node (the scheduler's binding, without a separate write).
      spec: { ...clone(template?.spec ?? {}), nodeName: NODE_NAME },
    }, { manager: MANAGER });
  }

  private ready(p: KubeObject): boolean {
    return ((p.status as Obj)?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');
  }

  // ---- replica sets ----

  private replicaSet(res: ResourceDef, rs: Obj): void {
    const want = rs.spec?.replicas ?? 1;
    const pods = this.podsOwnedBy(rs).filter((p) => !p.metadata.deletionTimestamp);
    const hash = rs.metadata.labels?.['pod-template-hash'];
    for (let i = pods.length; i < want; i++) {
      this.newPod(rs, 'ReplicaSet', 'apps/v1', `${rs.metadata.name}-${randomSuffix()}`, hash ? { 'pod-template-hash': hash } : {}, rs.spec?.template);
    }
    const podRes = this.def('', 'Pod');
    for (const p of pods.slice(want)) {
      try { this.api.delete(podRes, p.metadata.namespace!, p.metadata.name!, {}); } catch { /* gone */ }
    }
    const now = this.podsOwnedBy(rs);
    const ready = now.filter((p) => this.ready(p)).length;
    const live = this.api.store.get(res, rs.metadata.namespace, rs.metadata.name)!;
    this.api.writeStatus(res, live, {
      replicas: now.length, fullyLabeledReplicas: now.length, readyReplicas: ready, availableReplicas: ready,
      terminatingReplicas: 0, observedGeneration: rs.metadata.generation,
    });
  }

  // ---- deployments ----

  private deployment(res: ResourceDef, d: Obj): void {
    const rsRes = this.def('apps', 'ReplicaSet');
    const ns = d.metadata.namespace;
    const want = d.spec?.replicas ?? 1;
    const hash = podTemplateHash(d.spec?.template);
    const owned = this.api.store.scan(rsRes, ns).filter((rs) => (rs.metadata.ownerReferences ?? []).some((r) => r.uid === d.metadata.uid)) as Obj[];
    let current = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    if (d.spec?.paused) { this.pausedDeployment(res, d, owned); return; }
    const revisions = owned.map((rs) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0));
    const maxRev = Math.max(0, ...revisions);
    let revision = current ? Number(current.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? maxRev) : maxRev + 1;
    let created = false;
    if (!current) {
      const template = clone(d.spec?.template ?? {});
      template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash } };
      current = this.api.create(rsRes, ns, {
        apiVersion: 'apps/v1', kind: 'ReplicaSet',
        metadata: {
          name: `${d.metadata.name}-${hash}`, namespace: ns,
          labels: { ...(d.spec?.template?.metadata?.labels ?? {}), 'pod-template-hash': hash },
          annotations: { 'deployment.kubernetes.io/desired-replicas': String(want), 'deployment.kubernetes.io/max-replicas': String(want + surge(d, want)), 'deployment.kubernetes.io/revision': String(revision) },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }],
        },
        spec: {
          replicas: want,
          selector: { ...(d.spec?.selector ?? {}), matchLabels: { ...(d.spec?.selector?.matchLabels ?? {}), 'pod-template-hash': hash } },
          template,
          ...(d.spec?.minReadySeconds ? { minReadySeconds: d.spec.minReadySeconds } : {}),
        },
      }, { manager: MANAGER }) as Obj;
      created = true;
    } else if (current.spec?.replicas !== want || revision < maxRev) {
      // An old ReplicaSet becoming current again (rollout undo) takes the next revision number.
      if (revision < maxRev) revision = maxRev + 1;
      const next = clone(current);
      next.spec.replicas = want;
      next.metadata.annotations = { ...(next.metadata.annotations ?? {}), 'deployment.kubernetes.io/revision': String(revision) };
      next.metadata.annotations = { ...(next.metadata.annotations ?? {}), 'deployment.kubernetes.io/desired-replicas': String(want), 'deployment.kubernetes.io/max-replicas': String(want + surge(d, want)) };
      current = this.api.writeObject(rsRes, this.api.store.get(rsRes, ns, current.metadata.name)!, next as KubeObject, MANAGER) as Obj;
    }
    const cur = this.api.store.get(rsRes, ns, current.metadata.name) as Obj;
    const newReady = cur.status?.readyReplicas ?? 0;
    const olds = owned.filter((rs) => rs.metadata.name !== cur.metadata.name);
    // Old ReplicaSets scale down once the new one is fully available (a rollout with full surge).
    if (newReady >= want) {
      for (const rs of olds) {
        if ((rs.spec?.replicas ?? 0) === 0) continue;
        const live = this.api.store.get(rsRes, ns, rs.metadata.name)!;
        const next = clone(live) as Obj;
        next.spec.replicas = 0;
        this.api.writeObject(rsRes, live, next as KubeObject, MANAGER);
      }
    }
    const all = [cur, ...olds.map((rs) => this.api.store.get(rsRes, ns, rs.metadata.name) as Obj).filter(Boolean)];
    const total = all.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
    const readyAll = all.reduce((n, rs) => n + (rs.status?.readyReplicas ?? 0), 0);
    const updated = cur.status?.replicas ?? 0;
    const complete = updated === want && newReady >= want && total === want;
    const minAvailable = want - unavailable(d, want);
    const prev: Obj[] = d.status?.conditions ?? [];
    const t = this.iso();
    // deploymentutil.SetDeploymentCondition: same status and reason leaves the condition untouched;
    // same status keeps lastTransitionTime.
    const cond = (type: string, status: string, reason: string, message: string, old = prev.find((c) => c.type === type)): Obj => {
      if (old && old.status === status && old.reason === reason) return old;
      return { type, status, lastUpdateTime: t, lastTransitionTime: old && old.status === status ? old.lastTransitionTime : t, reason, message };
    };
    const rsName = cur.metadata.name;
    const progressing = this.progressingCondition(d, { created, rsName, total, updated, ready: readyAll, complete, t, cond });
    const available = readyAll >= minAvailable
      ? cond('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
      : cond('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.');
    const status: Obj = {
      observedGeneration: d.metadata.generation,
      replicas: total, updatedReplicas: updated, readyReplicas: readyAll, availableReplicas: readyAll,
      ...(total - readyAll > 0 ? { unavailableReplicas: Math.max(0, want - readyAll) } : {}),
      terminatingReplicas: 0,
      conditions: progressing ? [available, progressing] : [available],
    };
    for (const k of ['readyReplicas', 'availableReplicas', 'replicas', 'updatedReplicas']) if (status[k] === 0) delete status[k];
    const live = this.api.store.get(res, ns, d.metadata.name)!;
    this.api.writeStatus(res, live, status, MANAGER, { 'deployment.kubernetes.io/revision': String(revision) });
  }

  /**
   * The Progressing condition as the deployment controller computes it: getNewReplicaSet sets
   * NewReplicaSetCreated when it creates the new ReplicaSet (replacing even a timed-out condition) and
   * FoundNewReplicaSet only when a found one meets no Progressing condition at all; syncRolloutStatus then
   * moves it to NewReplicaSetAvailable (complete), ReplicaSetUpdated (any progress against the previous
   * status) or ProgressDeadlineExceeded (no update within the deadline; sticky until progress).
   * Undefined when the Deployment has no deadline (progressDeadlineSeconds = MaxInt32).
   */
  private progressingCondition(d: Obj, s: {
    created: boolean; rsName: string; total: number; updated: number; ready: number; complete: boolean; t: string;
    cond: (type: string, status: string, reason: string, message: string, old?: Obj) => Obj;
  }): Obj | undefined {
    const uid = d.metadata.uid as string;
    const seconds = d.spec?.progressDeadlineSeconds ?? 600;
    if (seconds === 2147483647) { this.progressSince.delete(uid); return undefined; }
    const deadlineMs = this.opts.progressDeadlineMs ?? seconds * 1000;
    const old: Obj | undefined = (d.status?.conditions ?? []).find((c: Obj) => c.type === 'Progressing');
    let current = old;
    if (s.created) current = s.cond('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${s.rsName}"`, current);
    else if (!current) current = s.cond('Progressing', 'True', 'FoundNewReplicaSet', `Found new replica set "${s.rsName}"`, current);
    const alreadyComplete = s.total === s.updated && current.reason === 'NewReplicaSetAvailable';
    if (!alreadyComplete) {
      const prev = d.status ?? {};
      const oldOld = (prev.replicas ?? 0) - (prev.updatedReplicas ?? 0);
      const progressed = s.updated > (prev.updatedReplicas ?? 0) || s.total - s.updated < oldOld
        || s.ready > (prev.readyReplicas ?? 0) || s.ready > (prev.availableReplicas ?? 0);
      if (s.complete) {
        current = s.cond('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${s.rsName}" has successfully progressed.`, current);
      } else if (progressed) {
        // Progress always refreshes lastUpdateTime (the deadline clock); lastTransitionTime survives only True -> True.
        current = { type: 'Progressing', status: 'True', lastUpdateTime: s.t, lastTransitionTime: current.status === 'True' ? current.lastTransitionTime : s.t, reason: 'ReplicaSetUpdated', message: `ReplicaSet "${s.rsName}" is progressing.` };
      } else if (current.reason !== 'NewReplicaSetAvailable' && (current.reason === 'ProgressDeadlineExceeded' || this.progressAt(uid, current) + deadlineMs < this.now())) {
        current = s.cond('Progressing', 'False', 'ProgressDeadlineExceeded', `ReplicaSet "${s.rsName}" has timed out progressing.`, current);
      }
    }
    if (current !== old && current.lastUpdateTime === s.t) this.progressSince.set(uid, this.now());
    // requeueStuckDeployment: look again once the deadline could have passed.
    // Replacing keeps tick() honest: one tick passes the deadline of the latest progress, not an older one.
    if (!s.complete && current.reason !== 'ProgressDeadlineExceeded') this.at(this.progressAt(uid, current) + deadlineMs + 1, this.def('apps', 'Deployment'), d.metadata.namespace, d.metadata.name, true);
    return current;
  }

  /** When the Progressing condition last changed, to the millisecond when this simulator wrote it. */
  private progressAt(uid: string, c: Obj): number {
    const ms = this.progressSince.get(uid);
    if (ms !== undefined && Math.floor(ms / 1000) === Math.floor(Date.parse(c.lastUpdateTime) / 1000)) return ms;
    return Date.parse(c.lastUpdateTime);
  }
  /** A paused Deployment rolls nothing out; it only reports what it has (Progressing Unknown/DeploymentPaused). */
  private pausedDeployment(res: ResourceDef, d: Obj, owned: Obj[]): void {
    const total = owned.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
    const ready = owned.reduce((n, rs) => n + (rs.status?.readyReplicas ?? 0), 0);
    const prev: Obj[] = d.status?.conditions ?? [];
    const t = this.iso();
    const old = prev.find((c) => c.type === 'Progressing');
    const progressing = { type: 'Progressing', status: 'Unknown', lastUpdateTime: old?.reason === 'DeploymentPaused' ? old.lastUpdateTime : t, lastTransitionTime: old?.status === 'Unknown' ? old.lastTransitionTime : t, reason: 'DeploymentPaused', message: 'Deployment is paused' };
    const available = prev.find((c) => c.type === 'Available');
    const status: Obj = {
      observedGeneration: d.metadata.generation,
      ...(total ? { replicas: total } : {}), ...(ready ? { readyReplicas: ready, availableReplicas: ready } : {}),
      conditions: [...(available ? [available] : []), progressing],
    };
    this.api.writeStatus(res, this.api.store.get(res, d.metadata.namespace, d.metadata.name)!, status, MANAGER);
  }

  // ---- stateful sets ----

  private statefulSet(res: ResourceDef, s: Obj): void {
    const ns = s.metadata.namespace;
    const want = s.spec?.replicas ?? 1;
    const revision = `${s.metadata.name}-${podTemplateHash(s.spec?.template)}`;
    const podRes = this.def('', 'Pod');
    const pods = this.podsOwnedBy(s);
    // RollingUpdate replaces pods at or above the partition; OnDelete waits for someone to delete them.
    const onDelete = s.spec?.updateStrategy?.type === 'OnDelete';
    const partition = s.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
    for (const p of pods) {
      const ordinal = Number(p.metadata.name!.slice(s.metadata.name.length + 1));
      if (p.metadata.deletionTimestamp) continue;
      const outdated = p.metadata.labels?.['controller-revision-hash'] !== revision;
      if (ordinal >= want || (outdated && !onDelete && ordinal >= partition)) {
        try { this.api.delete(podRes, ns, p.metadata.name!, {}); } catch { /* gone */ }
      }
    }
    const pvcRes = this.def('', 'PersistentVolumeClaim');
    for (let i = 0; i < want; i++) {
      const name = `${s.metadata.name}-${i}`;
      for (const t of s.spec?.volumeClaimTemplates ?? []) {
        const claim = `${t.metadata?.name}-${name}`;
        if (!this.api.store.get(pvcRes, ns, claim)) {
          this.api.create(pvcRes, ns, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: claim, namespace: ns, labels: { ...(s.spec?.selector?.matchLabels ?? {}) } }, spec: clone(t.spec ?? {}) }, { manager: MANAGER });
        }
      }
      if (!this.api.store.get(podRes, ns, name)) {
        this.newPod(s, 'StatefulSet', 'apps/v1', name, { 'controller-revision-hash': revision, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(i) }, s.spec?.template);
      }
    }
    const now = this.podsOwnedBy(s).filter((p) => !p.metadata.deletionTimestamp);
    const ready = now.filter((p) => this.ready(p)).length;
    const updated = now.filter((p) => p.metadata.labels?.['controller-revision-hash'] === revision).length;
    // currentRevision moves to the update revision once every pod runs it.
    const currentRevision = updated === want && now.length === want ? revision : (s.status?.currentRevision ?? revision);
    const current = now.filter((p) => p.metadata.labels?.['controller-revision-hash'] === currentRevision).length;
    const live = this.api.store.get(res, ns, s.metadata.name)!;
    this.api.writeStatus(res, live, {
      observedGeneration: s.metadata.generation, replicas: now.length, readyReplicas: ready, currentReplicas: current,
      updatedReplicas: updated, availableReplicas: ready, currentRevision, updateRevision: revision, collisionCount: 0,
    });
  }

  // ---- daemon sets (one node) ----

  private daemonSet(res: ResourceDef, ds: Obj): void {
    const ns = ds.metadata.namespace;
    const hash = podTemplateHash(ds.spec?.template);
    const podRes = this.def('', 'Pod');
    const pods = this.podsOwnedBy(ds).filter((p) => !p.metadata.deletionTimestamp);
    for (const p of pods) if (p.metadata.labels?.['controller-revision-hash'] !== hash) {
      try { this.api.delete(podRes, ns, p.metadata.name!, {}); } catch { /* gone */ }
    }
    if (!pods.some((p) => p.metadata.labels?.['controller-revision-hash'] === hash)) {
      this.newPod(ds, 'DaemonSet', 'apps/v1', `${ds.metadata.name}-${randomSuffix()}`, { 'controller-revision-hash': hash, 'pod-template-generation': String(ds.metadata.generation) }, ds.spec?.template);
    }
    const now = this.podsOwnedBy(ds).filter((p) => !p.metadata.deletionTimestamp);
    const ready = now.filter((p) => this.ready(p)).length;
    const live = this.api.store.get(res, ns, ds.metadata.name)!;
    this.api.writeStatus(res, live, {
      currentNumberScheduled: 1, desiredNumberScheduled: 1, numberMisscheduled: 0, numberReady: ready,
      numberAvailable: ready, ...(ready ? {} : { numberUnavailable: 1 }), updatedNumberScheduled: now.length,
      observedGeneration: ds.metadata.generation,
    });
  }

  // ---- jobs ----

  private job(res: ResourceDef, j: Obj): void {
    const ns = j.metadata.namespace;
    const conds: Obj[] = j.status?.conditions ?? [];
    if (conds.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')) return;
    if (j.spec?.suspend) return;
    const completions = j.spec?.completions ?? 1;
    const parallelism = Math.min(j.spec?.parallelism ?? 1, completions);
    const pods = this.podsOwnedBy(j);
    const uid = j.metadata.uid;
    for (let i = pods.length; i < parallelism; i++) {
      this.newPod(j, 'Job', 'batch/v1', `${j.metadata.name}-${randomSuffix()}`, { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': j.metadata.name, 'controller-uid': uid, 'job-name': j.metadata.name }, j.spec?.template);
    }
    const now = this.podsOwnedBy(j);
    const done = now.filter((p) => (p.status as Obj)?.phase === 'Succeeded').length;
    const start = j.status?.startTime ?? this.iso();
    const t = this.iso();
    const complete = done >= parallelism;
    const status: Obj = complete
      ? {
        conditions: [
          { type: 'SuccessCriteriaMet', status: 'True', lastProbeTime: t, lastTransitionTime: t, reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
          { type: 'Complete', status: 'True', lastProbeTime: t, lastTransitionTime: t, reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
        ],
        startTime: start, completionTime: t, succeeded: completions, ready: 0, terminating: 0, uncountedTerminatedPods: {},
      }
      : { startTime: start, active: now.length - done, ready: 0, terminating: 0, uncountedTerminatedPods: {} };
    const live = this.api.store.get(res, ns, j.metadata.name)!;
    this.api.writeStatus(res, live, status, MANAGER);
  }

  // ---- services and claims ----

  private quota(res: ResourceDef, q: Obj): void {
    const status = quotaStatus(this.api, q);
    if (JSON.stringify(status) === JSON.stringify(q.status ?? null)) return;
    this.api.writeStatus(res, this.api.store.get(res, q.metadata.namespace, q.metadata.name)!, status, 'resourcequota-controller');
  }

  private service(res: ResourceDef, s: Obj): void {
    syncEndpoints(this.api, s);
    if (s.spec?.type !== 'LoadBalancer' || (s.status?.loadBalancer?.ingress ?? []).length) return;
    const n = this.api.store.scan(res).filter((x) => (x.status as Obj)?.loadBalancer?.ingress?.length).length;
    this.api.writeStatus(res, this.api.store.get(res, s.metadata.namespace, s.metadata.name)!, { loadBalancer: { ingress: [{ ip: `172.18.255.${200 + (n % 50)}`, ipMode: 'VIP' }] } }, 'cloud-controller-manager');
  }

  /** An ingress controller (like ingress-nginx on kind) publishes the node address. */
  private ingress(res: ResourceDef, ing: Obj): void {
    if ((ing.status?.loadBalancer?.ingress ?? []).length) return;
    this.api.writeStatus(res, this.api.store.get(res, ing.metadata.namespace, ing.metadata.name)!, { loadBalancer: { ingress: [{ ip: '172.18.0.2' }] } }, 'ingress-controller');
  }

  /** The HPA controller with no metrics server: keeps the target's replicas within bounds. */
  private autoscaler(res: ResourceDef, hpa: Obj): void {
    const ref = hpa.spec?.scaleTargetRef ?? {};
    const group = String(ref.apiVersion ?? '').includes('/') ? String(ref.apiVersion).split('/')[0]! : '';
    const targetRes = this.api.registry.byKind(group, String(ref.kind ?? ''));
    const target = targetRes && (this.api.store.get(targetRes, hpa.metadata.namespace, String(ref.name ?? '')) as Obj | undefined);
    const t = this.iso();
    const prev: Obj[] = hpa.status?.conditions ?? [];
    const cond = (type: string, status: string, reason: string, message: string) => {
      const old = prev.find((c) => c.type === type);
      return { type, status, lastTransitionTime: old && old.status === status ? old.lastTransitionTime : t, reason, message };
    };
    const current = target?.spec?.replicas ?? 0;
    const min = hpa.spec?.minReplicas ?? 1;
    const max = hpa.spec?.maxReplicas ?? current;
    const desired = Math.min(max, Math.max(min, current));
    const status = target
      ? {
        currentReplicas: current, desiredReplicas: desired,
        conditions: [
          cond('AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size'),
          cond('ScalingActive', 'True', 'ValidMetricFound', 'the HPA was able to successfully calculate a replica count'),
          cond('ScalingLimited', 'False', 'DesiredWithinRange', 'the desired count is within the acceptable range'),
        ],
      }
      : {
        currentReplicas: 0, desiredReplicas: 0,
        conditions: [cond('AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${String(ref.kind ?? '').toLowerCase()}s "${ref.name}" not found`)],
      };
    this.api.writeStatus(res, this.api.store.get(res, hpa.metadata.namespace, hpa.metadata.name)!, status, MANAGER);
  }

  /** Reclaim policy Delete: the provisioned volume goes with its claim. */
  private releaseVolume(name: string): void {
    const pvRes = this.def('', 'PersistentVolume');
    const pv = this.api.store.get(pvRes, '', name);
    if (!pv || (pv.spec as Obj | undefined)?.persistentVolumeReclaimPolicy !== 'Delete') return;
    const next = clone(pv);
    delete next.metadata.finalizers;
    this.api.writeObject(pvRes, pv, next, MANAGER);
    this.api.delete(pvRes, '', name, {});
  }

  private claim(res: ResourceDef, c: Obj): void {
    if (c.status?.phase === 'Bound') return;
    const created = Date.parse(c.metadata.creationTimestamp);
    const due = Math.max(created, this.now() - 1000) + this.delay;
    if (this.now() < due) { this.at(due, res, c.metadata.namespace, c.metadata.name); return; }
    const live = this.api.store.get(res, c.metadata.namespace, c.metadata.name)!;
    const volumeName = `pvc-${c.metadata.uid}`;
    // The provisioner makes a volume for the claim, as local-path does on kind.
    const pvRes = this.def('', 'PersistentVolume');
    if (!this.api.store.get(pvRes, '', volumeName)) {
      const pv = this.api.create(pvRes, '', {
        apiVersion: 'v1', kind: 'PersistentVolume',
        metadata: { name: volumeName, annotations: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' }, finalizers: ['kubernetes.io/pv-protection'] },
        spec: {
          accessModes: c.spec?.accessModes ?? ['ReadWriteOnce'], capacity: { storage: c.spec?.resources?.requests?.storage ?? '1Gi' },
          claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: c.metadata.namespace, name: c.metadata.name, uid: c.metadata.uid, resourceVersion: c.metadata.resourceVersion },
          hostPath: { path: `/var/local-path-provisioner/${volumeName}_${c.metadata.namespace}_${c.metadata.name}`, type: 'DirectoryOrCreate' },
          persistentVolumeReclaimPolicy: 'Delete', storageClassName: c.spec?.storageClassName ?? 'standard', volumeMode: c.spec?.volumeMode ?? 'Filesystem',
        },
      }, { manager: 'local-path-provisioner' });
      this.api.writeStatus(pvRes, this.api.store.get(pvRes, '', pv.metadata.name!)!, { phase: 'Bound' }, MANAGER);
    }
    const next = clone(live) as Obj;
    next.spec.volumeName = volumeName;
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' };
    const written = this.api.writeObject(res, live, next as KubeObject, MANAGER);
    this.api.writeStatus(res, written, { phase: 'Bound', accessModes: c.spec?.accessModes ?? ['ReadWriteOnce'], capacity: { storage: c.spec?.resources?.requests?.storage ?? '1Gi' } }, MANAGER);
  }
}

const RECONCILED = new Set(['Namespace', 'Pod', 'ResourceQuota', 'policy/PodDisruptionBudget', 'apps/ReplicaSet', 'apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'batch/Job', 'Service', 'PersistentVolumeClaim', 'networking.k8s.io/Ingress', 'autoscaling/HorizontalPodAutoscaler']);
const gk = (r: { group: string; kind: string }) => (r.group ? `${r.group}/${r.kind}` : r.kind);

function hash32(s: string): number {
  let h = 0;
  for (const ch of s) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return h;
}

function percentOrInt(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(String(v ?? ''));
  if (!m) return Number(v ?? 0) || 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}
function surge(d: Obj, want: number): number {
  return d.spec?.strategy?.type === 'RollingUpdate' ? percentOrInt(d.spec.strategy.rollingUpdate?.maxSurge ?? '25%', want, true) : 0;
}
function unavailable(d: Obj, want: number): number {
  if (d.spec?.strategy?.type !== 'RollingUpdate') return 0;
  const u = percentOrInt(d.spec.strategy.rollingUpdate?.maxUnavailable ?? '25%', want, false);
  return u === 0 && surge(d, want) === 0 ? 1 : Math.min(u, want);
}
