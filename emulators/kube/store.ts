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
  /** Highest resourceVersion evicted from the history; watches from before it get 410. */
  compactedRv = 0;
  private listeners = new Set<(e: StoreEvent) => void>();

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
    if (this.history.length > this.historyLimit) {
      const evicted = this.history.splice(0, this.history.length - this.historyLimit);
      this.compactedRv = evicted[evicted.length - 1]!.rv;
    }
    for (const l of this.listeners) l(e);
  }

  /** Events after `rv`, or undefined when that part of history was compacted away. */
  eventsSince(rv: number): StoreEvent[] | undefined {
    if (rv < this.compactedRv) return undefined;
    return this.history.filter((e) => e.rv > rv);
  }

  subscribe(fn: (e: StoreEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
