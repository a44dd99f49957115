// A watch-backed cache (an informer) of the objects Driftguard apps own, ONE PER CLUSTER and shared by
// every app on it (as Argo CD's cluster cache is): per group/version/kind some app uses (cluster-wide, or
// per namespace for an operator restricted to namespaces by RBAC), one LIST with labelSelector
// driftguard.dev/app (every app's objects), then one long WATCH from that resourceVersion (with
// bookmarks). Each app reads through a view (OwnedCache) that filters by its label value in memory, so
// the worker's watch connections stay one per kind however many apps it serves. On 410 Gone (our
// resourceVersion is too old) it relists; on a dropped stream it reconnects from the last
// resourceVersion it saw, with backoff. Once warm, reading an app's live state costs no API requests.
// Namespaces are watched once more, unfiltered, so that checking that an app's namespace exists costs
// no request either (where the operator may list namespaces).
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
  /** Watch streams open right now (one per watched kind and scope, whatever the number of apps). */
  openWatches: number;
}

/** Every object some app owns (the label's value is the app). */
const OWNED_SELECTOR = APP_LABEL;
const NAMESPACE_GVK: GVK = { group: '', version: 'v1', kind: 'Namespace' };

const gvkKey = (g: { group: string; version: string; kind: string }) => `${apiVersionOf(g)}/${g.kind}`;
/** Informer key: the kind plus its namespace ('' = all namespaces / cluster-scoped) and its selector. */
const infKey = (g: GVK, namespace: string, selector = OWNED_SELECTOR) => `${gvkKey(g)}@${namespace}#${selector}`;
const objKey = (ns: string | undefined, name: string | undefined) => `${ns ?? ''}/${name ?? ''}`;
const appOf = (o: KubeObject | undefined): string | undefined => o?.metadata?.labels?.[APP_LABEL];

/** Numeric comparison when both resourceVersions are integers (true of etcd-backed servers); else "newer". */
function isNewer(candidate: string | undefined, current: string | undefined): boolean {
  if (!current || !candidate) return true;
  if (/^\d+$/.test(candidate) && /^\d+$/.test(current)) return BigInt(candidate) >= BigInt(current);
  return true;
}

class Informer {
  readonly store = new Map<string, KubeObject>();
  /** app -> keys of the store's objects labelled with it: an app's view never scans other apps' objects. */
  readonly byApp = new Map<string, Set<string>>();
  /** key -> uid of objects we deleted ourselves: their late "deletionTimestamp set" events must not bring them back. */
  private readonly tombstones = new Map<string, string | undefined>();
  resourceVersion = '';
  readonly synced: Promise<void>;
  private resolveSynced!: () => void;
  private rejectSynced!: (e: unknown) => void;
  private everSynced = false;
  /** Callers waiting for the first list right now (a deadline drops the informer only when it was the last). */
  waiters = 0;
  /** The last error of a list or watch (why a kind that is not synced yet is not). */
  lastError: unknown;
  private readonly abort = new AbortController();

  constructor(
    private readonly owner: ClusterCache,
    readonly info: ApiResourceInfo,
    /** Label selector of the list and watch ('' = every object of the kind). */
    private readonly selector: string,
    /** Namespace to list/watch in; '' = cluster-wide. */
    readonly namespace: string,
  ) {
    this.synced = new Promise((res, rej) => { this.resolveSynced = res; this.rejectSynced = rej; });
    this.synced.catch(() => undefined);
    void this.run();
  }

  private set(k: string, o: KubeObject): KubeObject | undefined {
    const prev = this.store.get(k);
    this.store.set(k, o);
    const was = appOf(prev);
    const now = appOf(o);
    if (was !== now && was !== undefined) this.byApp.get(was)?.delete(k);
    if (now !== undefined) {
      let keys = this.byApp.get(now);
      if (!keys) this.byApp.set(now, (keys = new Set()));
      keys.add(k);
    }
    return prev;
  }

  private remove(k: string): KubeObject | undefined {
    const prev = this.store.get(k);
    if (!prev) return undefined;
    this.store.delete(k);
    const was = appOf(prev);
    if (was !== undefined) {
      const keys = this.byApp.get(was);
      keys?.delete(k);
      if (keys?.size === 0) this.byApp.delete(was);
    }
    return prev;
  }

  private async relist(): Promise<void> {
    const { items, resourceVersion } = await this.owner.resources.list(this.info, { labelSelector: this.selector || undefined, namespace: this.namespace || undefined, signal: this.abort.signal });
    this.owner.stats.lists++;
    const seen = new Set<string>();
    for (const o of items) {
      const k = objKey(o.metadata.namespace, o.metadata.name);
      seen.add(k);
      const obj: KubeObject = { ...o, apiVersion: apiVersionOf(this.info), kind: this.info.kind };
      const prev = this.set(k, obj);
      if (this.everSynced && prev?.metadata.resourceVersion !== obj.metadata.resourceVersion) this.owner.emit(prev ? 'MODIFIED' : 'ADDED', obj, prev);
    }
    for (const k of [...this.store.keys()]) {
      if (!seen.has(k)) {
        const o = this.remove(k)!;
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
      query: { watch: 1, labelSelector: this.selector || undefined, resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 300 + Math.floor(Math.random() * 300) },
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
    this.owner.stats.openWatches++;
    try {
      for await (const line of watchLines(res.body)) {
        let ev: { type?: string; object?: KubeObject & { code?: number } };
        try { ev = JSON.parse(line); } catch { continue; }
        if (ev.type === 'ERROR') {
          res.body.destroy();
          return ev.object?.code === 410;
        }
        this.handle(ev.type ?? '', ev.object);
      }
    } finally {
      this.owner.stats.openWatches--;
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
      this.remove(k);
      this.owner.emit('DELETED', obj);
    } else if (type === 'ADDED' || type === 'MODIFIED') {
      if (this.tombstones.has(k)) {
        if (this.tombstones.get(k) === obj.metadata.uid) return; // the object we deleted, still terminating
        this.tombstones.delete(k); // recreated since
      }
      const prev = this.store.get(k);
      if (prev && !isNewer(obj.metadata.resourceVersion, prev.metadata.resourceVersion)) return;
      this.set(k, obj);
      this.owner.emit(type, obj, prev);
    }
  }

  /** Record an object we just wrote (the watch event may lag a few ms behind our own write). */
  observe(obj: KubeObject, deleted = false): void {
    const k = objKey(obj.metadata.namespace, obj.metadata.name);
    const prev = this.store.get(k);
    if (deleted) { this.remove(k); this.tombstones.set(k, obj.metadata.uid); return; }
    if (this.selector && appOf(obj) === undefined) return;
    if (!prev || isNewer(obj.metadata.resourceVersion, prev.metadata.resourceVersion)) this.set(k, obj);
  }

  get isSynced(): boolean {
    return this.everSynced;
  }

  /** `Deployment (apps/v1) in namespace web` */
  describe(): string {
    return `${this.info.kind} (${apiVersionOf(this.info)})${this.namespace ? ` in namespace ${this.namespace}` : ''}`;
  }

  stop(): void {
    this.abort.abort();
    this.rejectSynced(new Error('cache closed'));
  }
}

/**
 * One cluster's watch cache, shared by all its apps: one informer per kind and scope. Apps use it through
 * `view(app)` (an OwnedCache); `Cluster.cacheFor(app)` returns that view.
 */
export class ClusterCache {
  readonly stats: CacheStats = { lists: 0, watches: 0, relists: 0, events: 0, openWatches: 0 };
  private readonly informers = new Map<string, Informer>();
  private readonly listeners = new Map<string, Set<CacheListener>>();
  private readonly views = new Map<string, OwnedCache>();
  /** Namespaces watched cluster-wide, unless listing them was forbidden (then `false`: ask per GET). */
  private namespaces: Informer | false | undefined;

  constructor(readonly http: KubeHttp, readonly resources: Resources) {}

  /** The view of one app's objects (one per app, kept for the cluster's life; it holds no connection). */
  view(app: string): OwnedCache {
    let v = this.views.get(app);
    if (!v) this.views.set(app, (v = new OwnedCache(this, app)));
    return v;
  }

  /**
   * Start watching these kinds (idempotent) and wait until each has its first list. With `namespaces`,
   * namespaced kinds are watched in those namespaces only and cluster-scoped kinds not at all (what
   * namespaced RBAC allows); without, every kind is watched cluster-wide. Optional kinds (the prune scan)
   * may be unknown, undiscoverable or forbidden: they are skipped.
   *
   * With `signal` (the sync's deadline) the wait ends when it aborts: kinds whose first list has not
   * succeeded by then are dropped when no other caller still waits for them (no endless retrying in the
   * background) and the error names each of them with its last error.
   */
  async ensure(gvks: GVK[], namespaces?: string[], opts: { optional?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    const infos = await Promise.all(gvks.map((g) => this.resources.discovery.resolve(g).catch((e) => { if (opts.optional) return undefined; throw e; })));
    const mine = new Map<string, Informer>();
    for (const info of infos) {
      if (!info || !info.verbs.includes('watch') || !info.verbs.includes('list')) continue;
      const scopes = namespaces && info.namespaced ? namespaces : namespaces ? [] : [''];
      for (const ns of scopes) {
        const k = infKey(info, ns);
        let inf = this.informers.get(k);
        if (!inf) this.informers.set(k, (inf = new Informer(this, info, OWNED_SELECTOR, ns)));
        mine.set(k, inf);
      }
    }
    const pending = [...mine].filter(([, i]) => !i.isSynced);
    if (pending.length === 0) return;
    for (const [, i] of pending) i.waiters++;
    // A kind whose first list failed (e.g. 403) is dropped, so a later ensure() tries it again.
    const waits = pending.map(([k, i]) => i.synced.catch((e) => {
      this.drop(k, i);
      if (!opts.optional) throw e;
    }));
    try {
      if (!opts.signal) return void (await Promise.all(waits));
      try {
        await untilAborted(Promise.all(waits), opts.signal);
      } catch (e) {
        if (!opts.signal.aborted) throw e;
        const unsynced = pending.filter(([, i]) => !i.isSynced);
        if (unsynced.length === 0) return; // all synced as the deadline struck: the reads did finish
        for (const [k, i] of unsynced) if (i.waiters === 1) this.drop(k, i);
        const why = unsynced.map(([, i]) => `${i.describe()}: ${i.lastError ? kubeMessage(i.lastError) : 'no answer yet'}`);
        throw new DriftguardError('TIMEOUT', `could not read the live state of ${why.join('; ')}`, { cause: e, details: { kinds: unsynced.map(([, i]) => i.info.kind) } });
      }
    } finally {
      for (const [, i] of pending) i.waiters--;
    }
  }

  private drop(key: string, inf: Informer): void {
    if (this.informers.get(key) === inf) { inf.stop(); this.informers.delete(key); }
  }

  /**
   * Start the one unfiltered watch of all Namespaces (idempotent, does not wait), so that whether an app's
   * namespace exists costs no request once it is synced. Not allowed to list namespaces (namespaced RBAC):
   * never tried again; callers read their namespace themselves.
   */
  watchNamespaces(): void {
    if (this.namespaces !== undefined) return;
    const info = this.resources.discovery.peek(NAMESPACE_GVK);
    if (!info) {
      void this.resources.discovery.resolve(NAMESPACE_GVK).then(() => this.resources.discovery.peek(NAMESPACE_GVK) && this.watchNamespaces(), () => undefined);
      return;
    }
    const inf = new Informer(this, info, '', '');
    this.namespaces = inf;
    inf.synced.catch(() => {
      if (this.namespaces !== inf) return;
      inf.stop();
      this.namespaces = kubeStatus(inf.lastError) === 403 ? false : undefined;
    });
  }

  /**
   * Namespace `name` as the (synced) namespace watch holds it; undefined when it cannot tell: not synced
   * yet, not allowed, or absent (a namespace created a moment ago may not have arrived yet), so the
   * caller asks the API.
   */
  cachedNamespace(name: string): KubeObject | undefined {
    const inf = this.namespaces;
    return inf && inf.isSynced ? inf.store.get(objKey(undefined, name)) : undefined;
  }

  /** Informers (kinds and scopes) running, the namespace watch included: each holds one watch stream once synced. */
  get size(): number {
    return this.informers.size + (this.namespaces ? 1 : 0);
  }

  informersOf(gvk: GVK): Informer[] {
    const prefix = `${gvkKey(gvk)}@`;
    return [...this.informers].filter(([k]) => k.startsWith(prefix)).map(([, i]) => i);
  }

  allInformers(): Informer[] {
    return [...this.informers.values()];
  }

  has(gvk: GVK, namespace: string): boolean {
    return this.informers.has(infKey(gvk, namespace));
  }

  informerFor(gvk: GVK, namespace: string): Informer | undefined {
    return this.informers.get(infKey(gvk, '')) ?? this.informers.get(infKey(gvk, namespace));
  }

  on(app: string, listener: CacheListener): () => void {
    let set = this.listeners.get(app);
    if (!set) this.listeners.set(app, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(app) === set) this.listeners.delete(app);
    };
  }

  /** Tells the listeners of the object's app; an object that moved from another app is DELETED for that one. */
  emit(type: CacheEventType, obj: KubeObject, prev?: KubeObject): void {
    const app = appOf(obj);
    const was = appOf(prev);
    if (app !== undefined) this.tell(app, type, obj);
    if (was !== undefined && was !== app && prev) this.tell(was, 'DELETED', prev);
  }

  private tell(app: string, type: CacheEventType, obj: KubeObject): void {
    for (const l of this.listeners.get(app) ?? []) {
      try { l(type, obj); } catch { /* a listener's bug must not stop the informer */ }
    }
  }

  close(): void {
    for (const i of this.informers.values()) i.stop();
    if (this.namespaces) this.namespaces.stop();
    this.namespaces = undefined;
    this.informers.clear();
    this.listeners.clear();
    this.views.clear();
  }
}

/** One app's view of the cluster's shared cache: only the objects labelled with the app. */
export class OwnedCache {
  constructor(private readonly shared: ClusterCache, readonly app: string) {}

  get stats(): CacheStats {
    return this.shared.stats;
  }

  /** See ClusterCache.ensure: the kinds are watched for every app of the cluster at once. */
  ensure(gvks: GVK[], namespaces?: string[], opts: { optional?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    return this.shared.ensure(gvks, namespaces, opts);
  }

  /** True when `gvk` is watched (in `namespace`, when given: cluster-wide or in that namespace). */
  watching(gvk: GVK, namespace?: string): boolean {
    if (namespace === undefined) return this.shared.informersOf(gvk).length > 0;
    return this.shared.has(gvk, '') || this.shared.has(gvk, namespace);
  }

  /** The app's objects of every watched kind (or one kind). */
  objects(gvk?: GVK): KubeObject[] {
    const infs = gvk ? this.shared.informersOf(gvk) : this.shared.allInformers();
    const out: KubeObject[] = [];
    for (const i of infs) for (const k of i.byApp.get(this.app) ?? []) out.push(i.store.get(k)!);
    return out;
  }

  get(gvk: GVK, namespace: string, name: string): KubeObject | undefined {
    const o = this.shared.informerFor(gvk, namespace)?.store.get(objKey(namespace, name));
    return appOf(o) === this.app ? o : undefined;
  }

  observe(obj: KubeObject, deleted = false): void {
    const i = obj.apiVersion.indexOf('/');
    const gvk = { group: i < 0 ? '' : obj.apiVersion.slice(0, i), version: i < 0 ? obj.apiVersion : obj.apiVersion.slice(i + 1), kind: obj.kind };
    this.shared.informerFor(gvk, obj.metadata?.namespace ?? '')?.observe(obj, deleted);
  }

  on(listener: CacheListener): () => void {
    return this.shared.on(this.app, listener);
  }
}
