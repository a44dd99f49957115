// Object storage with one global, monotonic resourceVersion and a bounded event history for watches
// (like etcd's revision and the watch cache). Objects are stored per group+plural, keyed ns/name.
import type { KubeObject } from '../../src/core/model/object.ts';
import type { ResourceDef } from './resources.ts';

export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  rv: number;
  type: WatchType;
  res: ResourceDef;
  object: KubeObject;
  /** The previous state for MODIFIED, so selector-filtered watches can tell objects entering or leaving. */
  old?: KubeObject;
}

const resKey = (r: { group: string; plural: string }) => `${r.group}/${r.plural}`;
const objKey = (ns: string, name: string) => `${ns}/${name}`;

export class ObjectStore {
  private rv = 0;
  private byResource = new Map<string, Map<string, KubeObject>>();
  private history: StoreEvent[] = [];
  /** Index of the oldest retained event in `history` (evicting by moving it is O(1) per write). */
  private head = 0;
  /** Highest resourceVersion evicted from the history; watches from before it get 410. */
  compactedRv = 0;
  /** Watch listeners per group/plural: a write notifies only the watchers of its resource. */
  private listeners = new Map<string, Set<(e: StoreEvent) => void>>();

  constructor(private readonly historyLimit = 2000) {}

  get currentRv(): number { return this.rv; }
  nextRv(): number { return ++this.rv; }

  get(res: ResourceDef, ns: string, name: string): KubeObject | undefined {
    return this.byResource.get(resKey(res))?.get(objKey(ns, name));
  }

  /** Objects of a resource (all namespaces when ns is undefined), ordered by namespace/name like etcd. */
  list(res: ResourceDef, ns?: string): KubeObject[] {
    const m = this.byResource.get(resKey(res));
    if (!m) return [];
    const entries = [...m.entries()].filter(([k]) => ns === undefined || k.startsWith(`${ns}/`));
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return entries.map(([, v]) => v);
  }

  /** Objects of a resource in storage order, unsorted: cheap, for controllers. */
  scan(res: ResourceDef, ns?: string): KubeObject[] {
    const m = this.byResource.get(resKey(res));
    if (!m) return [];
    const out: KubeObject[] = [];
    for (const o of m.values()) if (ns === undefined || (o.metadata.namespace ?? '') === ns) out.push(o);
    return out;
  }

  /** Writes (creates or replaces) and records an event. The object must already carry its new resourceVersion. */
  write(res: ResourceDef, obj: KubeObject, type: 'ADDED' | 'MODIFIED', old?: KubeObject): void {
    let m = this.byResource.get(resKey(res));
    if (!m) this.byResource.set(resKey(res), (m = new Map()));
    m.set(objKey(obj.metadata.namespace ?? '', obj.metadata.name!), obj);
    this.record({ rv: Number(obj.metadata.resourceVersion), type, res, object: obj, old });
  }

  remove(res: ResourceDef, obj: KubeObject): void {
    this.byResource.get(resKey(res))?.delete(objKey(obj.metadata.namespace ?? '', obj.metadata.name!));
    this.record({ rv: Number(obj.metadata.resourceVersion), type: 'DELETED', res, object: obj });
  }

  dropResource(res: { group: string; plural: string }): void {
    this.byResource.delete(resKey(res));
  }

  private record(e: StoreEvent): void {
    this.history.push(e);
    const over = this.history.length - this.head - this.historyLimit;
    if (over > 0) {
      this.head += over;
      this.compactedRv = this.history[this.head - 1]!.rv;
      if (this.head > 4096 && this.head * 2 > this.history.length) { this.history = this.history.slice(this.head); this.head = 0; }
    }
    const ls = this.listeners.get(resKey(e.res));
    if (ls) for (const l of ls) l(e);
  }

  /** Events after `rv`, or undefined when that part of history was compacted away. */
  eventsSince(rv: number): StoreEvent[] | undefined {
    if (rv < this.compactedRv) return undefined;
    const out: StoreEvent[] = [];
    for (let i = this.head; i < this.history.length; i++) if (this.history[i]!.rv > rv) out.push(this.history[i]!);
    return out;
  }

  /** Events of one resource (group + plural). */
  subscribe(res: { group: string; plural: string }, fn: (e: StoreEvent) => void): () => void {
    const k = resKey(res);
    let ls = this.listeners.get(k);
    if (!ls) this.listeners.set(k, (ls = new Set()));
    ls.add(fn);
    return () => { ls.delete(fn); if (ls.size === 0 && this.listeners.get(k) === ls) this.listeners.delete(k); };
  }
}
