// A stand-in for the scheduler and kubelet of a test control plane (which has no container runtime):
// registers one Ready Node, binds pending pods to it, and reports their containers started and Ready, so
// the real controllers finish rollouts and health waits end. Pods of Jobs then complete. Images matching
// `failImagePattern` never start (ImagePullBackOff); images matching `failRunPattern` exit 1 (Job pods
// fail, others go into CrashLoopBackOff). Pods being deleted are confirmed gone, as a kubelet does after
// their containers stop.
import type { KubeObject } from '../core/model/object.ts';
import { kubeStatus } from '../kube/errors.ts';
import type { KubeHttp } from '../kube/http.ts';
import { watchLines } from '../kube/watch-lines.ts';

export interface StandInKubeletOptions {
  nodeName?: string;
  /** Time from binding to Running+Ready (default 0). */
  readyDelayMs?: number;
  /** Time a Job's pod runs before it Succeeds (default 200 ms). */
  jobRunMs?: number;
  /** Containers whose image matches never start (default /broken/, as the emulator's dev-cluster examples use). */
  failImagePattern?: RegExp;
  /** Containers whose image matches exit with code 1 (default /crash/). */
  failRunPattern?: RegExp;
}

interface Container { name: string; image: string; restartPolicy?: string }
interface Pod extends KubeObject {
  metadata: KubeObject['metadata'] & { uid?: string; deletionTimestamp?: string; ownerReferences?: Array<{ kind: string; controller?: boolean }> };
  spec?: { nodeName?: string; restartPolicy?: string; containers: Container[]; initContainers?: Container[]; schedulingGates?: unknown[] };
  status?: { phase?: string };
}

const podPath = (p: Pod, sub = '') => `/api/v1/namespaces/${encodeURIComponent(p.metadata.namespace!)}/pods/${encodeURIComponent(p.metadata.name ?? "")}${sub}`;

export class StandInKubelet {
  readonly nodeName: string;
  /** Pods handled so far, by outcome (for tests and the dev-cluster's log). */
  readonly stats = { bound: 0, started: 0, completed: 0, failed: 0, deleted: 0 };
  private readonly abort = new AbortController();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** uid -> the phase we last reported or scheduled, so our own status writes are not acted on twice. */
  private readonly handled = new Map<string, string>();
  private readonly busy = new Map<string, Promise<void>>();
  private podIp = 1;
  /** uid -> the pod's IP and start time, kept across its status writes. */
  private readonly started = new Map<string, { podIP: string; startTime: string }>();
  private resourceVersion = '';
  private loop?: Promise<void>;

  private constructor(private readonly http: KubeHttp, private readonly opts: StandInKubeletOptions) {
    this.nodeName = opts.nodeName ?? 'stand-in-node';
  }

  static async start(http: KubeHttp, opts: StandInKubeletOptions = {}): Promise<StandInKubelet> {
    const k = new StandInKubelet(http, opts);
    await k.registerNode();
    await k.relist();
    k.loop = k.watchLoop();
    return k;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.loop?.catch(() => undefined);
    await Promise.allSettled([...this.busy.values()]);
    await this.http.close();
  }

  private async registerNode(): Promise<void> {
    const name = this.nodeName;
    const node = {
      apiVersion: 'v1', kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' } },
    };
    await this.http.request('POST', '/api/v1/nodes', { body: node }).catch((e: unknown) => {
      if (kubeStatus(e) !== 409) throw e;
    });
    // The TaintNodesByCondition admission plugin taints a new node not-ready; the node lifecycle
    // controller (not run here) would lift it once the kubelet reports Ready. DaemonSets respect it.
    await this.http.request('PATCH', `/api/v1/nodes/${name}`, { body: { spec: { taints: null } }, contentType: 'application/merge-patch+json' });
    const now = new Date().toISOString();
    const cond = (type: string, status: string, reason: string) => ({ type, status, reason, message: reason, lastHeartbeatTime: now, lastTransitionTime: now });
    const resources = { cpu: '16', memory: '64Gi', pods: '250', 'ephemeral-storage': '100Gi' };
    await this.http.request('PATCH', `/api/v1/nodes/${name}/status`, {
      contentType: 'application/merge-patch+json',
      body: {
        status: {
          capacity: resources, allocatable: resources,
          conditions: [
            cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory'), cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure'),
            cond('PIDPressure', 'False', 'KubeletHasSufficientPID'), cond('Ready', 'True', 'KubeletReady'),
          ],
          addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: name }],
          nodeInfo: {
            machineID: 'stand-in', systemUUID: 'stand-in', bootID: 'stand-in', kernelVersion: 'stand-in', osImage: 'stand-in',
            containerRuntimeVersion: 'stand-in://0', kubeletVersion: 'stand-in', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64',
          },
        },
      },
    });
  }

  private async relist(): Promise<void> {
    const list = await this.http.request<{ items: Pod[]; metadata: { resourceVersion: string } }>('GET', '/api/v1/pods');
    this.resourceVersion = list.metadata.resourceVersion;
    for (const p of list.items) this.enqueue(p);
  }

  private async watchLoop(): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        const res = await this.http.fetchOnce('GET', '/api/v1/pods', {
          query: { watch: 1, resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 300 },
          signal: this.abort.signal, timeoutMs: 0,
        });
        if (res.status !== 200) { res.body.destroy(); await this.relist(); continue; }
        for await (const line of watchLines(res.body)) {
          const ev = JSON.parse(line) as { type: string; object: Pod & { code?: number } };
          if (ev.type === 'ERROR') { res.body.destroy(); await this.relist(); break; }
          if (ev.object.metadata?.resourceVersion) this.resourceVersion = ev.object.metadata.resourceVersion;
          if (ev.type === 'ADDED' || ev.type === 'MODIFIED') this.enqueue(ev.object);
          if (ev.type === 'DELETED' && ev.object.metadata.uid) { this.handled.delete(ev.object.metadata.uid); this.started.delete(ev.object.metadata.uid); }
        }
      } catch {
        if (this.abort.signal.aborted) return;
        await new Promise((r) => setTimeout(r, 300));
        await this.relist().catch(() => undefined);
      }
    }
  }

  /** One pod at a time per uid, in event order; errors (a conflict, a pod deleted meanwhile) are dropped: the next event retries. */
  private enqueue(pod: Pod): void {
    const uid = pod.metadata.uid ?? '';
    const prev = this.busy.get(uid) ?? Promise.resolve();
    const next = prev.then(() => this.reconcile(pod)).catch(() => undefined).finally(() => {
      if (this.busy.get(uid) === next) this.busy.delete(uid);
    });
    this.busy.set(uid, next);
  }

  private later(ms: number, f: () => Promise<void>): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.abort.signal.aborted) void f().catch(() => undefined);
    }, ms);
    this.timers.add(t);
  }

  private async reconcile(pod: Pod): Promise<void> {
    if (this.abort.signal.aborted) return;
    const uid = pod.metadata.uid ?? '';
    const spec = pod.spec;
    if (!spec) return;
    if (pod.metadata.deletionTimestamp) {
      if (spec.nodeName !== this.nodeName || this.handled.get(uid) === 'Deleting') return;
      this.handled.set(uid, 'Deleting');
      // Containers "stop" at once; confirming with grace period 0 removes the object.
      await this.http.request('DELETE', podPath(pod), { body: { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid } } })
        .catch((e: unknown) => { if (kubeStatus(e) !== 404 && kubeStatus(e) !== 409) throw e; });
      this.stats.deleted++;
      return;
    }
    if (!spec.nodeName) {
      if (spec.schedulingGates?.length) return;
      await this.http.request('POST', podPath(pod, '/binding'), {
        body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace }, target: { apiVersion: 'v1', kind: 'Node', name: this.nodeName } },
      }).catch((e: unknown) => { if (kubeStatus(e) !== 409) throw e; });
      this.stats.bound++;
      return;
    }
    if (spec.nodeName !== this.nodeName) return;
    const phase = pod.status?.phase ?? 'Pending';
    if (phase === 'Succeeded' || phase === 'Failed') return;
    const isJob = pod.metadata.ownerReferences?.some((o) => o.kind === 'Job' && o.controller) ?? false;
    if (this.handled.has(uid)) return;
    const failImage = this.opts.failImagePattern ?? /broken/;
    const failRun = this.opts.failRunPattern ?? /crash/;
    const containers = [...(spec.initContainers ?? []), ...spec.containers];
    if (containers.some((c) => failImage.test(c.image))) {
      this.handled.set(uid, 'Pending');
      await this.writeStatus(pod, 'ImagePullBackOff');
      this.stats.failed++;
      return;
    }
    const crashing = containers.some((c) => failRun.test(c.image));
    this.handled.set(uid, 'Running');
    this.later(this.opts.readyDelayMs ?? 0, async () => {
      if (crashing && (isJob || spec.restartPolicy === 'Never')) {
        await this.writeStatus(pod, 'Failed');
        this.stats.failed++;
        return;
      }
      await this.writeStatus(pod, crashing ? 'CrashLoopBackOff' : 'Running');
      this.stats.started++;
      if (isJob && !crashing) {
        this.later(this.opts.jobRunMs ?? 200, async () => {
          this.handled.set(uid, 'Succeeded');
          await this.writeStatus(pod, 'Succeeded');
          this.stats.completed++;
        });
      }
    });
  }

  /** The status a kubelet reports for the pod in `state`: phase, conditions, IPs, per-container states. */
  private async writeStatus(pod: Pod, state: 'Running' | 'Succeeded' | 'Failed' | 'ImagePullBackOff' | 'CrashLoopBackOff'): Promise<void> {
    const now = new Date().toISOString();
    const uid = pod.metadata.uid ?? '';
    let run = this.started.get(uid);
    if (!run) {
      const n = this.podIp++;
      run = { podIP: `10.244.${Math.floor(n / 250) % 250}.${(n % 250) + 2}`, startTime: now };
      this.started.set(uid, run);
    }
    const { podIP, startTime } = run;
    const startedAt = startTime;
    const spec = pod.spec!;
    const phase = state === 'ImagePullBackOff' ? 'Pending' : state === 'CrashLoopBackOff' ? 'Running' : state;
    const ready = state === 'Running';
    const containerState = (c: Container) => {
      if (state === 'Running') return { running: { startedAt } };
      if (state === 'Succeeded') return { terminated: { exitCode: 0, reason: 'Completed', startedAt, finishedAt: now } };
      if (state === 'Failed') return { terminated: { exitCode: 1, reason: 'Error', startedAt, finishedAt: now } };
      if (state === 'ImagePullBackOff') return { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` } };
      return { waiting: { reason: 'CrashLoopBackOff', message: `back-off restarting failed container ${c.name}` } };
    };
    const status = (c: Container) => ({
      name: c.name, image: c.image, imageID: state === 'ImagePullBackOff' ? '' : `${c.image}@sha256:${'0'.repeat(64)}`,
      containerID: state === 'ImagePullBackOff' ? undefined : `stand-in://${pod.metadata.uid}-${c.name}`,
      ready, started: state === 'Running', restartCount: state === 'CrashLoopBackOff' ? 1 : 0,
      state: containerState(c),
      ...(state === 'CrashLoopBackOff' ? { lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt, finishedAt: now } } } : {}),
    });
    const init = (c: Container) => {
      const sidecar = c.restartPolicy === 'Always';
      return { ...status(c), ready: sidecar && ready, started: sidecar && ready, state: sidecar && ready ? { running: { startedAt } } : { terminated: { exitCode: 0, reason: 'Completed', startedAt, finishedAt: now } } };
    };
    const notReadyReason = state === 'Succeeded' || state === 'Failed' ? 'PodCompleted' : 'ContainersNotReady';
    const cond = (type: string, ok: boolean, reason?: string) => ({ type, status: ok ? 'True' : 'False', lastTransitionTime: now, lastProbeTime: null, ...(ok || !reason ? {} : { reason }) });
    await this.http.request('PATCH', podPath(pod, '/status'), {
      contentType: 'application/merge-patch+json',
      body: {
        status: {
          phase,
          hostIP: '127.0.0.1', hostIPs: [{ ip: '127.0.0.1' }],
          podIP, podIPs: [{ ip: podIP }],
          startTime,
          conditions: [
            cond('PodReadyToStartContainers', true),
            cond('Initialized', true),
            cond('Ready', ready, notReadyReason),
            cond('ContainersReady', ready, notReadyReason),
            cond('PodScheduled', true),
          ],
          initContainerStatuses: spec.initContainers?.length ? spec.initContainers.map(init) : undefined,
          containerStatuses: spec.containers.map(status),
        },
      },
    });
  }
}
