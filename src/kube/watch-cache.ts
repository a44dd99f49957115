// A watch-backed cache (an informer) of the objects one app owns: per group/version/kind the app uses
// (cluster-wide, or per namespace for an operator restricted to namespaces by RBAC),
// one LIST with labelSelector driftguard.dev/app=<app>, then one long WATCH from that resourceVersion
// (with bookmarks). On 410 Gone (our resourceVersion is too old) it relists; on a dropped stream it
// reconnects from the last resourceVersion it saw, with backoff. Once warm, reading the app's live state
// costs no API requests: drift checks of an in-sync app only cost the watches themselves.
import { APP_LABEL } from '../core/ownership.ts';
import type { KubeObject } from '../core/model/object.ts';
import { apiVersionOf, type ApiResourceInfo, type GVK } from './discovery.ts';
import { backoffDelay } from './backoff.ts';
import type { KubeHttp } from './http.ts';
import { resourcePath, type Resources } from './resources.ts';
import { kubeApiError, kubeMessage, kubeStatus } from './errors.ts';
import { sleep } from './http.ts';
import { DriftguardError } from '../core/errors.ts';
import { untilAborted } from './until-aborted.ts';
import { watchLines } from './watch-lines.ts';


export type CacheEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export type CacheListener = (type: CacheEventType, obj: KubeObject) => void;

export interface CacheStats {
  lists: number;
  watches: number;
  relists: number;
  events: number;
}

const gvkKey = (g: { group: string; version: string; kind: string }) => `${apiVersionOf(g)}/${g.kind}`;
/** Informer key: the kind plus its namespace ('' = all namespaces / cluster-scoped). */
const infKey = (g: GVK, namespace: string) => `${gvkKey(g)}@${namespace}`;
const objKey = (ns: string | undefined, name: string | undefined) => `${ns ?? ''}/${name ?? ''}`;

/** Numeric comparison when both resourceVersions are integers (true of etcd-backed servers); else "newer". */
function isNewer(candidate: string | undefined, current: string | undefined): boolean {
  if (!current || !candidate) return true;
  if (/^\d+$/.test(candidate) && /^\d+$/.test(current)) return BigInt(candidate) >= BigInt(current);
  return true;
}

class Informer {
  readonly store = new Map<string, KubeObject>();
  /** key -> uid of objects we deleted ourselves: their late "deletionTimestamp set" events must not bring them back. */
  private readonly tombstones = new Map<string, string | undefined>();
  resourceVersion = '';
  readonly synced: Promise<void>;
  private resolveSynced!: () => void;
  private rejectSynced!: (e: unknown) => void;
  private everSynced = false;
  /** The last error of a list or watch (why a kind that is not synced yet is not). */
  lastError: unknown;
  private readonly abort = new AbortController();

  constructor(
    private readonly owner: OwnedCache,
    readonly info: ApiResourceInfo,
    private readonly selector: string,
    /** Namespace to list/watch in; '' = cluster-wide. */
    readonly namespace: string,
  ) {
    this.synced = new Promise((res, rej) => { this.resolveSynced = res; this.rejectSynced = rej; });
    this.synced.catch(() => undefined);
    void this.run();
  }

  private async relist(): Promise<void> {
    const { items, resourceVersion } = await this.owner.resources.list(this.info, { labelSelector: this.selector, namespace: this.namespace || undefined, signal: this.abort.signal });
    this.owner.stats.lists++;
    const seen = new Set<string>();
    for (const o of items) {
      const k = objKey(o.metadata.namespace, o.metadata.name);
      seen.add(k);
      const prev = this.store.get(k);
      this.store.set(k, o);
      if (this.everSynced && prev?.metadata.resourceVersion !== o.metadata.resourceVersion) this.owner.emit(prev ? 'MODIFIED' : 'ADDED', o);
    }
    for (const [k, o] of [...this.store]) {
      if (!seen.has(k)) {
        this.store.delete(k);
        if (this.everSynced) this.owner.emit('DELETED', o);
      }
    }
    this.resourceVersion = resourceVersion;
  }

  private async run(): Promise<void> {
    let failures = 0;
    let needList = true;
    while (!this.abort.signal.aborted) {
      try {
        if (needList) {
          await this.relist();
          needList = false;
          if (!this.everSynced) { this.everSynced = true; this.resolveSynced(); }
        }
        const gone = await this.watchOnce();
        failures = 0;
        if (gone) { needList = true; this.owner.stats.relists++; }
      } catch (e) {
        if (this.abort.signal.aborted) return;
        this.lastError = e;
        if (kubeStatus(e) === 410) { needList = true; this.owner.stats.relists++; continue; }
        if (!this.everSynced && kubeStatus(e) !== undefined && kubeStatus(e)! >= 400 && kubeStatus(e)! < 500 && kubeStatus(e) !== 429) {
          this.rejectSynced(e); // e.g. 403: no point retrying for the first sync
          return;
        }
        await sleep(backoffDelay(Math.min(failures++, 6), { retries: 0, baseMs: 200, maxMs: 10_000 }), this.abort.signal).catch(() => undefined);
      }
    }
  }

  /** One watch stream until it ends. Returns true when the server said our resourceVersion is gone (410). */
  private async watchOnce(): Promise<boolean> {
    const http: KubeHttp = this.owner.http;
    const res = await http.fetchOnce('GET', resourcePath(this.info, this.namespace || undefined), {
      query: { watch: 1, labelSelector: this.selector, resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 300 + Math.floor(Math.random() * 300) },
      signal: this.abort.signal, timeoutMs: 0,
    });
    this.owner.stats.watches++;
    if (res.status === 410) { res.body.destroy(); return true; }
    if (res.status < 200 || res.status >= 300) {
      const text = await res.body.text().catch(() => '');
      let body: unknown = text;
      try { body = JSON.parse(text); } catch { /* keep text */ }
      throw kubeApiError(res.status, body, 'WATCH', resourcePath(this.info, this.namespace || undefined));
    }
    for await (const line of watchLines(res.body)) {
      let ev: { type?: string; object?: KubeObject & { code?: number } };
      try { ev = JSON.parse(line); } catch { continue; }
      if (ev.type === 'ERROR') {
        res.body.destroy();
        return ev.object?.code === 410;
      }
      this.handle(ev.type ?? '', ev.object);
    }
    return false;
  }

  private handle(type: string, o: KubeObject | undefined): void {
    if (!o?.metadata) return;
    if (o.metadata.resourceVersion) this.resourceVersion = o.metadata.resourceVersion;
    if (type === 'BOOKMARK') return;
    const obj: KubeObject = { ...o, apiVersion: apiVersionOf(this.info), kind: this.info.kind };
    const k = objKey(obj.metadata.namespace, obj.metadata.name);
    this.owner.stats.events++;
    if (type === 'DELETED') {
      this.tombstones.delete(k);
      this.store.delete(k);
      this.owner.emit('DELETED', obj);
    } else if (type === 'ADDED' || type === 'MODIFIED') {
      if (this.tombstones.has(k)) {
        if (this.tombstones.get(k) === obj.metadata.uid) return; // the object we deleted, still terminating
        this.tombstones.delete(k); // recreated since
      }
      const prev = this.store.get(k);
      if (prev && !isNewer(obj.metadata.resourceVersion, prev.metadata.resourceVersion)) return;
      this.store.set(k, obj);
      this.owner.emit(type, obj);
    }
  }

  /** Record an object we just wrote (the watch event may lag a few ms behind our own write). */
  observe(obj: KubeObject, deleted = false): void {
    const k = objKey(obj.metadata.namespace, obj.metadata.name);
    const prev = this.store.get(k);
    if (deleted) { this.store.delete(k); this.tombstones.set(k, obj.metadata.uid); return; }
    if (obj.metadata.labels?.[APP_LABEL] === undefined) return;
    if (!prev || isNewer(obj.metadata.resourceVersion, prev.metadata.resourceVersion)) this.store.set(k, obj);
  }

  get isSynced(): boolean {
    return this.everSynced;
  }

  /** `Deployment.apps/v1 in namespace web` */
  describe(): string {
    return `${this.info.kind} (${apiVersionOf(this.info)})${this.namespace ? ` in namespace ${this.namespace}` : ''}`;
  }

  stop(): void {
    this.abort.abort();
    this.rejectSynced(new Error('cache closed'));
  }
}

export class OwnedCache {
  readonly stats: CacheStats = { lists: 0, watches: 0, relists: 0, events: 0 };
  private readonly informers = new Map<string, Informer>();
  private readonly listeners = new Set<CacheListener>();
  readonly selector: string;

  constructor(readonly http: KubeHttp, readonly resources: Resources, readonly app: string) {
    this.selector = `${APP_LABEL}=${app}`;
  }

  /**
   * Start watching these kinds (idempotent) and wait until each has its first list. Unknown kinds are
   * skipped. With `namespaces`, namespaced kinds are watched in those namespaces only and cluster-scoped
   * kinds not at all (what namespaced RBAC allows); without, every kind is watched cluster-wide.
   */
  /**
   * With `signal` (the sync's deadline) the wait ends when it aborts: kinds whose first list has not
   * succeeded by then are dropped (no endless retrying in the background) and the error names each of
   * them with its last error.
   */
  async ensure(gvks: GVK[], namespaces?: string[], opts: { optional?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    // Optional kinds (the prune scan) may be unknown, undiscoverable or forbidden: skip them.
    const infos = await Promise.all(gvks.map((g) => this.resources.discovery.resolve(g).catch((e) => { if (opts.optional) return undefined; throw e; })));
    const waits: Promise<void>[] = [];
    const mine: Array<[string, Informer]> = [];
    for (const info of infos) {
      if (!info || !info.verbs.includes('watch') || !info.verbs.includes('list')) continue;
      const scopes = namespaces && info.namespaced ? namespaces : namespaces ? [] : [''];
      for (const ns of scopes) {
        const k = infKey(info, ns);
        let inf = this.informers.get(k);
        if (!inf) {
          inf = new Informer(this, info, this.selector, ns);
          this.informers.set(k, inf);
        }
        const own = inf;
        mine.push([k, own]);
        // A kind whose first list failed (e.g. 403) is dropped, so a later ensure() tries it again.
        waits.push(own.synced.catch((e) => {
          this.drop(k, own);
          if (!opts.optional) throw e;
        }));
      }
    }
    if (!opts.signal) return void (await Promise.all(waits));
    try {
      await untilAborted(Promise.all(waits), opts.signal);
    } catch (e) {
      if (!opts.signal.aborted) throw e;
      const unsynced = [...new Map(mine.filter(([, i]) => !i.isSynced)).entries()];
      if (unsynced.length === 0) return; // all synced as the deadline struck: the reads did finish
      for (const [k, i] of unsynced) this.drop(k, i);
      const why = unsynced.map(([, i]) => `${i.describe()}: ${i.lastError ? kubeMessage(i.lastError) : 'no answer yet'}`);
      throw new DriftguardError('TIMEOUT', `could not read the live state of ${why.join('; ')}`, { cause: e, details: { kinds: unsynced.map(([, i]) => i.info.kind) } });
    }
  }

  private drop(key: string, inf: Informer): void {
    if (this.informers.get(key) === inf) { inf.stop(); this.informers.delete(key); }
  }

  private informersOf(gvk: GVK): Informer[] {
    const prefix = `${gvkKey(gvk)}@`;
    return [...this.informers].filter(([k]) => k.startsWith(prefix)).map(([, i]) => i);
  }

  /** True when `gvk` is watched (in `namespace`, when given: cluster-wide or in that namespace). */
  watching(gvk: GVK, namespace?: string): boolean {
    if (namespace === undefined) return this.informersOf(gvk).length > 0;
    return this.informers.has(infKey(gvk, '')) || this.informers.has(infKey(gvk, namespace));
  }

  /** Owned objects of every watched kind (or one kind). */
  objects(gvk?: GVK): KubeObject[] {
    const infs = gvk ? this.informersOf(gvk) : [...this.informers.values()];
    return infs.flatMap((i) => [...i.store.values()]);
  }

  private informerFor(gvk: GVK, namespace: string): Informer | undefined {
    return this.informers.get(infKey(gvk, '')) ?? this.informers.get(infKey(gvk, namespace));
  }

  get(gvk: GVK, namespace: string, name: string): KubeObject | undefined {
    return this.informerFor(gvk, namespace)?.store.get(objKey(namespace, name));
  }

  observe(obj: KubeObject, deleted = false): void {
    const i = obj.apiVersion.indexOf('/');
    const gvk = { group: i < 0 ? '' : obj.apiVersion.slice(0, i), version: i < 0 ? obj.apiVersion : obj.apiVersion.slice(i + 1), kind: obj.kind };
    this.informerFor(gvk, obj.metadata?.namespace ?? '')?.observe(obj, deleted);
  }

  on(listener: CacheListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(type: CacheEventType, obj: KubeObject): void {
    for (const l of this.listeners) {
      try { l(type, obj); } catch { /* a listener's bug must not stop the informer */ }
    }
  }

  close(): void {
    for (const i of this.informers.values()) i.stop();
    this.informers.clear();
    this.listeners.clear();
  }
}
