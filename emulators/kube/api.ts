// API semantics over the store: create/update/patch/delete with defaulting, validation, generation,
// managedFields, finalizers, namespace lifecycle, garbage collection and CRD registration.
// The HTTP layer (server.ts) and the controllers (controllers.ts) both write through here.
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../src/core/model/object.ts';
import { applyDefaults, type Allocators } from './defaults.ts';
import {
  ApplyConflictError, MergeError, builtinType, customResourceType, jsonMergePatch, jsonPatch, serverSideApply, strategicMergePatch, trackUpdate,
  type Type, type TypeResolver,
} from './merge/index.ts';
import { apiVersionOf, parseApiVersion, ResourceRegistry, resourceFromCrd, type ResourceDef } from './resources.ts';
import {
  ApiError, alreadyExists, badRequest, conflict, invalid, namespaceTerminating, notFound, patchTypeUnsupported, unsupportedMediaType,
} from './status.ts';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, selectorString } from './selectors.ts';
import { ObjectStore } from './store.ts';
import { validateName, validateObject } from './validate.ts';
import { unknownFields } from './known-fields.ts';
import { crdVersionSchema, walkCustomResource } from './crd-schema.ts';
import { fromStorage, needsConversion, toStorage } from './conversion.ts';
import { dropTypeDependentFields } from './service-type-change.ts';

export type Subresource = '' | 'status' | 'scale';

export interface WriteOptions {
  manager: string;
  dryRun?: boolean;
  subresource?: Subresource;
  /** Version the client addressed; responses carry it as apiVersion. */
  version?: string;
  /** ?fieldValidation: Strict rejects undeclared fields, Warn (default) and Ignore drop them. */
  fieldValidation?: string;
  /** Filled with warnings for the response's Warning headers. */
  warnings?: string[];
  /** The caller only serializes the result: return a read-only view of the stored object, not a copy. */
  view?: boolean;
}

export type PatchType = 'apply' | 'merge' | 'json' | 'strategic';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
  return s;
}

// Objects are plain JSON; a JSON round trip is several times faster than structuredClone in V8.
const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));
const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Same object apart from managedFields timestamps: a no-op write (no new resourceVersion, no event). */
function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => JSON.stringify({
    ...o,
    metadata: { ...o.metadata, managedFields: (o.metadata.managedFields ?? []).map((e) => ({ ...e, time: undefined })) },
  });
  return strip(a) === strip(b);
}

export class KubeApi {
  readonly registry = new ResourceRegistry();
  readonly store: ObjectStore;
  private usedIPs = new Set<string>(['10.96.0.1']);
  private nextIP = 2;
  private usedNodePorts = new Set<number>();
  /** Called after every committed change (controllers hook in here). */
  onChange: (res: ResourceDef, type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject, old?: KubeObject) => void = () => {};
  /** Delay before the namespace controller starts deleting a terminating namespace's contents. */
  namespaceDelayMs = 200;
  /** Pending background work (namespace finalization), awaited by `idle()`. */
  private pending = new Set<Promise<unknown>>();

  constructor(private readonly now: () => Date = () => new Date(), historyLimit = 2000) {
    this.store = new ObjectStore(historyLimit);
  }

  private lastStamp: [number, string] = [NaN, ''];
  /** RFC 3339 to the second (cached: every write asks for it several times). */
  timestamp(): string {
    const sec = Math.floor(this.now().getTime() / 1000);
    if (sec !== this.lastStamp[0]) this.lastStamp = [sec, new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')];
    return this.lastStamp[1];
  }

  readonly alloc: Allocators = {
    clusterIP: () => {
      for (;;) {
        const n = this.nextIP++;
        const ip = `10.${96 + Math.floor(n / 65536)}.${Math.floor(n / 256) % 256}.${n % 256}`;
        if (n % 256 === 0 || n % 256 === 255 || this.usedIPs.has(ip)) continue;
        this.usedIPs.add(ip);
        return ip;
      }
    },
    nodePort: () => {
      for (let p = 30000; p <= 32767; p++) if (!this.usedNodePorts.has(p)) { this.usedNodePorts.add(p); return p; }
      throw new ApiError(422, 'Invalid', 'range is full');
    },
  };

  // ---- reads ----

  get(res: ResourceDef, ns: string, name: string, version?: string, view = false): KubeObject {
    const o = this.store.get(res, res.namespaced ? ns : '', name);
    if (!o) throw notFound(res, name);
    return view ? this.view(res, o, version) : this.present(res, o, version);
  }

  /**
   * The stored object as a client of `version` sees it, without a copy: for read-only consumers
   * (serialization, merges that copy what they keep). Never mutate the result.
   */
  view(res: ResourceDef, o: KubeObject, version?: string): KubeObject {
    const v = version ?? res.versions[0]!;
    if (needsConversion(res, v)) return this.present(res, o, version);
    const apiVersion = apiVersionOf(res.group, v);
    return o.apiVersion === apiVersion ? o : { ...o, apiVersion };
  }

  /** The object as a client of `version` sees it. */
  present(res: ResourceDef, o: KubeObject, version?: string): KubeObject {
    const v = version ?? res.versions[0]!;
    const c = fromStorage(res, clone(o), v);
    c.apiVersion = apiVersionOf(res.group, v);
    return c;
  }

  list(res: ResourceDef, ns: string | undefined, opts: ListOptions, version?: string, view = false): { items: KubeObject[]; rv: string; continue?: string; remaining?: number } {
    const labelReqs = opts.labelSelector ? parseLabelSelector(opts.labelSelector) : [];
    const fieldReqs = opts.fieldSelector ? parseFieldSelector(opts.fieldSelector, res.kind) : [];
    let items = this.store.list(res, res.namespaced ? ns : undefined)
      .filter((o) => matchesLabels(labelReqs, o.metadata.labels) && matchesFields(fieldReqs, o));
    const rv = String(this.store.currentRv);
    if (opts.continue) {
      let token: { start: string; rv: number };
      try { token = JSON.parse(Buffer.from(opts.continue, 'base64').toString('utf8')); } catch { throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)'); }
      if (token.rv < this.store.compactedRv) {
        throw new ApiError(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
      }
      items = items.filter((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > token.start);
    }
    let cont: string | undefined;
    let remaining: number | undefined;
    if (opts.limit && opts.limit > 0 && items.length > opts.limit) {
      remaining = items.length - opts.limit;
      items = items.slice(0, opts.limit);
      const last = items[items.length - 1]!;
      cont = Buffer.from(JSON.stringify({ start: `${last.metadata.namespace ?? ''}/${last.metadata.name}`, rv: Number(rv) })).toString('base64');
    }
    return { items: items.map((o) => (view ? this.view(res, o, version) : this.present(res, o, version))), rv, continue: cont, remaining };
  }

  // ---- writes ----

  private requireNamespace(res: ResourceDef, ns: string, name: string, forCreate: boolean): void {
    if (!res.namespaced) return;
    const nsRes = this.registry.byKind('', 'Namespace')!;
    const nsObj = this.store.get(nsRes, '', ns);
    if (!nsObj) throw notFound(nsRes, ns);
    if (forCreate && nsObj.metadata.deletionTimestamp) throw namespaceTerminating(res, name, ns);
  }

  private checkIdentity(res: ResourceDef, ns: string, body: KubeObject, version?: string): void {
    if (!isObj(body) || !isObj(body.metadata)) throw badRequest('Object \'metadata\' is missing');
    const gv = apiVersionOf(res.group, version ?? res.versions[0]!);
    if (body.kind && body.kind !== res.kind) throw badRequest(`the kind of the provided object ${body.kind} does not match the kind of the resource ${res.kind}`);
    if (body.apiVersion && !res.versions.some((v) => apiVersionOf(res.group, v) === body.apiVersion)) {
      throw badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${gv})`);
    }
    if (res.namespaced && body.metadata.namespace && body.metadata.namespace !== ns) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
  }

  /** Undeclared fields of built-in kinds: rejected under Strict, else dropped (with a warning under Warn). */
  private checkFields(res: ResourceDef, obj: KubeObject, opts: WriteOptions): void {
    const unknown = this.undeclared(res, obj, opts.version);
    if (unknown.length === 0) return;
    const mode = opts.fieldValidation ?? 'Warn';
    if (mode === 'Strict') {
      const v = opts.version ?? res.versions[0];
      throw badRequest(`${res.kind} in version "${v}" cannot be handled as a ${res.kind}: strict decoding error: ${unknown.map((u) => `unknown field "${u.path}"`).join(', ')}`);
    }
    for (const u of unknown) {
      u.drop();
      if (mode === 'Warn') opts.warnings?.push(`unknown field "${u.path}"`);
    }
  }

  /** Root types for server-side apply: built-ins from the emulator's schemas, custom resources from their CRD. */
  readonly types: TypeResolver = (apiVersion, kind) => {
    const { group, version } = parseApiVersion(apiVersion);
    const res = this.registry.byKind(group, kind);
    if (!res?.crd) return builtinType(apiVersion, kind);
    return customResourceType(crdVersionSchema(this.crdOf(res), version));
  };

  private crdOf(res: ResourceDef): Record<string, any> | undefined {
    const crdRes = this.registry.byKind('apiextensions.k8s.io', 'CustomResourceDefinition')!;
    return this.store.get(crdRes, '', `${res.plural}.${res.group}`) as Record<string, any> | undefined;
  }

  /** Undeclared fields: built-in kinds from known-fields.ts, custom resources from their CRD schema (which also defaults). */
  private undeclared(res: ResourceDef, obj: KubeObject, version?: string) {
    if (!res.crd) return unknownFields(res.group, obj);
    return walkCustomResource(obj as Record<string, any>, crdVersionSchema(this.crdOf(res), version ?? res.versions[0]!));
  }

  create(res: ResourceDef, ns: string, body: KubeObject, opts: WriteOptions): KubeObject {
    let input = clone(body);
    this.checkIdentity(res, ns, input, opts.version);
    input.apiVersion = apiVersionOf(res.group, opts.version ?? res.versions[0]!);
    input.kind = res.kind;
    input = toStorage(res, input, opts.version);
    const meta = input.metadata;
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomSuffix()}`;
    if (!meta.name) throw invalid(res, '', [{ field: 'metadata.name', type: 'Required', detail: 'name or generateName is required' }]);
    if (res.namespaced) meta.namespace = ns; else delete meta.namespace;
    const nameErrs = validateName(res.kind, meta.name);
    if (nameErrs.length) throw invalid(res, meta.name, nameErrs);
    this.checkFields(res, input, opts);
    this.requireNamespace(res, ns, meta.name, true);
    if (this.store.get(res, res.namespaced ? ns : '', meta.name)) throw alreadyExists(res, meta.name);
    return this.commitCreate(res, input, opts, (o) => trackUpdate(undefined, o, opts.manager, this.timestamp(), undefined, this.types));
  }

  private commitCreate(res: ResourceDef, input: KubeObject, opts: WriteOptions, track: (o: KubeObject) => KubeObject): KubeObject {
    const sent = admittedFieldsOf(res, input);
    const meta = input.metadata;
    meta.uid = randomUUID();
    meta.creationTimestamp = this.timestamp();
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (res.generation) meta.generation = 1; else delete meta.generation;
    if (res.subresources.includes('status') && res.kind !== 'CustomResourceDefinition') delete input.status;
    if (res.group === 'batch' && res.kind === 'Job') generateJobSelector(input);
    if (!res.group && res.kind === 'PersistentVolumeClaim') this.admitDefaultStorageClass(input);
    applyDefaults(input, res.group, this.alloc, !!res.crd);
    if (res.crd) for (const u of this.undeclared(res, input, opts.version)) u.drop(); // schema defaults + pruning
    if (res.kind === 'CustomResourceDefinition' && res.group === 'apiextensions.k8s.io') crdStatus(input);
    if (res.group === 'apps' && res.kind === 'DaemonSet') {
      meta.annotations = { ...(meta.annotations ?? {}), 'deprecated.daemonset.template.generation': '1' };
    }
    const errs = validateObject(res.group, input, undefined);
    if (errs.length) throw invalid(res, meta.name!, errs);
    // The field manager runs before admission and the registry: what they set is nobody's.
    const tracked = track(withoutAdmitted(input, sent));
    let out = orderMetadata({ ...input, metadata: { ...input.metadata, managedFields: tracked.metadata.managedFields } });
    if (!out.metadata.managedFields) delete out.metadata.managedFields;
    if (!res.group && res.kind === 'Pod') admitPod(out);
    if (opts.dryRun) return this.present(res, out, opts.version);
    out.metadata.resourceVersion = String(this.store.nextRv());
    out = orderMetadata(out);
    this.store.write(res, out, 'ADDED');
    this.afterWrite(res, 'ADDED', out);
    return this.answer(res, out, opts);
  }

  /** DefaultStorageClass admission: claims without a class get the default one. */
  private admitDefaultStorageClass(pvc: KubeObject): void {
    const spec = ((pvc.spec ??= {}) as Record<string, unknown>);
    if (spec.storageClassName !== undefined) return;
    const scRes = this.registry.byKind('storage.k8s.io', 'StorageClass');
    const def = scRes && this.store.list(scRes).find((sc) => sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
    if (def) spec.storageClassName = def.metadata.name;
  }

  /** PUT: full replacement of the main resource or of a subresource. */
  update(res: ResourceDef, ns: string, name: string, body: KubeObject, opts: WriteOptions): KubeObject {
    const sub = opts.subresource ?? '';
    if (sub === 'scale') return this.writeScale(res, ns, name, body, opts);
    const input = clone(body);
    this.checkIdentity(res, ns, input, opts.version);
    if (input.metadata.name && input.metadata.name !== name) throw badRequest(`the name of the object (${input.metadata.name}) does not match the name on the URL (${name})`);
    const live = this.store.get(res, res.namespaced ? ns : '', name);
    if (!live) throw notFound(res, name);
    if (input.metadata.resourceVersion && input.metadata.resourceVersion !== live.metadata.resourceVersion) throw conflict(res, name);
    this.checkFields(res, input, opts);
    input.apiVersion = apiVersionOf(res.group, opts.version ?? res.versions[0]!);
    input.kind = res.kind;
    return this.commitUpdate(res, live, toStorage(res, input, opts.version), opts, (o) => trackUpdate(live, o, opts.manager, this.timestamp(), sub || undefined, this.types), sub !== 'status');
  }

  patch(res: ResourceDef, ns: string, name: string, type: PatchType, patchBody: unknown, opts: WriteOptions & { force?: boolean }): KubeObject {
    const sub = opts.subresource ?? '';
    // The custom resource handler takes JSON, merge and apply patches only.
    if (type === 'strategic' && res.crd) throw patchTypeUnsupported(true);
    const live = this.store.get(res, res.namespaced ? ns : '', name);
    if (sub === 'scale') {
      if (!live) throw notFound(res, name);
      const scale = this.scaleOf(res, live);
      const next = applyPatch(type, scale, patchBody, builtinType(scale.apiVersion, scale.kind));
      return this.writeScale(res, ns, name, next, opts);
    }
    const now = this.timestamp();
    if (type === 'apply') {
      if (!opts.manager) {
        throw new ApiError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch', {
          group: 'meta.k8s.io', kind: 'PatchOptions', causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }],
        });
      }
      if (!isObj(patchBody)) throw badRequest('apply patch must be an object');
      const applied = patchBody as KubeObject;
      const wantGv = apiVersionOf(res.group, opts.version ?? res.versions[0]!);
      if ((applied.kind && applied.kind !== res.kind) || (applied.apiVersion && applied.apiVersion !== wantGv)) {
        throw badRequest(`invalid object type: ${applied.apiVersion ?? ''}, Kind=${applied.kind ?? ''}`);
      }
      this.checkIdentity(res, ns, { ...applied, metadata: applied.metadata ?? {} } as KubeObject, opts.version);
      if (applied.metadata?.name && applied.metadata.name !== name) throw badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
      if (live && applied.metadata?.resourceVersion && applied.metadata.resourceVersion !== live.metadata.resourceVersion) throw conflict(res, name);
      // Custom resources get schema defaults filled in while walking: walk a copy. Built-ins are only read.
      const probe = { ...applied, kind: res.kind } as KubeObject;
      const undeclared = this.undeclared(res, res.crd ? clone(probe) : probe, opts.version);
      if (undeclared.length) {
        // Structured-merge-diff cannot type the config: kube-apiserver 1.34 answers 500 (kubernetes#139253).
        const gvk = `${res.group}/${opts.version ?? res.versions[0]}, Kind=${res.kind}`;
        throw new ApiError(500, '', `failed to create typed patch object (${res.namespaced ? ns : ''}/${name}; ${gvk}): ${undeclared[0]!.ssaPath}: field not declared in schema`);
      }
      const merge = (l: KubeObject | undefined): KubeObject => {
        try {
          return serverSideApply(l ? this.view(res, l, opts.version) : undefined, applied, { manager: opts.manager, force: !!opts.force, now, subresource: sub || undefined, types: this.types });
        } catch (e) {
          if (e instanceof ApplyConflictError) throw applyConflict(e);
          if (e instanceof MergeError && e.status === 500) {
            const gvk = `${res.group}/${opts.version ?? res.versions[0]}, Kind=${res.kind}`;
            throw new ApiError(500, '', `failed to create typed patch object (${res.namespaced ? ns : ''}/${name}; ${gvk}): ${e.message}`);
          }
          throw fromMergeError(e);
        }
      };
      if (!live) {
        if (sub) throw notFound(res, name);
        const nameErrs = validateName(res.kind, name);
        if (nameErrs.length) throw invalid(res, name, nameErrs);
        this.requireNamespace(res, ns, name, true);
        const input = clone(applied);
        input.metadata = { ...(input.metadata ?? {}), name };
        this.checkIdentity(res, ns, input, opts.version);
        input.apiVersion = apiVersionOf(res.group, opts.version ?? res.versions[0]!);
        input.kind = res.kind;
        if (res.namespaced) input.metadata.namespace = ns;
        const stored = toStorage(res, input, opts.version);
        return this.commitCreate(res, stored, opts, () => {
          const merged = merge(undefined);
          // The merged object must carry what create() prepared (uid, defaults) plus the apply entry.
          return { ...stored, metadata: { ...stored.metadata, managedFields: merged.metadata.managedFields } };
        });
      }
      const merged = toStorage(res, merge(live), opts.version);
      if (res.namespaced) merged.metadata.namespace = ns;
      merged.metadata.name = name;
      return this.commitUpdate(res, live, merged, opts, (o) => o, true);
    }
    if (!live) throw notFound(res, name);
    let next: KubeObject;
    try {
      next = applyPatch(type, this.present(res, live, opts.version), patchBody, this.types(apiVersionOf(res.group, opts.version ?? res.versions[0]!), res.kind));
    } catch (e) {
      throw fromMergeError(e);
    }
    if (!isObj(next) || !isObj(next.metadata)) throw badRequest('patch removed metadata');
    this.checkFields(res, next, opts);
    if (next.metadata.resourceVersion && next.metadata.resourceVersion !== live.metadata.resourceVersion) throw conflict(res, name);
    next = toStorage(res, next, opts.version);
    return this.commitUpdate(res, live, next, opts, (o) => trackUpdate(live, o, opts.manager, now, sub || undefined, this.types), true);
  }

  /** `owned`: `input` is this call's own copy (no other reference to it or its parts), so it is not copied again. */
  private commitUpdate(res: ResourceDef, live: KubeObject, input: KubeObject, opts: WriteOptions, track: (o: KubeObject) => KubeObject, owned = false): KubeObject {
    const sub = opts.subresource ?? '';
    let next: KubeObject;
    if (sub === 'status') {
      // Status writes change only status (and managedFields): the rest is shared with the stored
      // object, which is never mutated in place (every writer copies what it changes).
      next = { ...live, metadata: { ...live.metadata } };
      if (input.status === undefined) delete next.status; else next.status = clone(input.status);
    } else {
      next = owned ? input : clone(input);
      next.metadata = { ...next.metadata };
      if (res.subresources.includes('status') && res.kind !== 'CustomResourceDefinition') {
        if (live.status === undefined) delete next.status; else next.status = clone(live.status);
      }
      // Immutable system metadata.
      for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'namespace', 'name'] as const) {
        if (live.metadata[k] === undefined) delete next.metadata[k]; else (next.metadata as Record<string, unknown>)[k] = live.metadata[k];
      }
      if (res.group === 'batch' && res.kind === 'Job' && isObj(next.spec) && !next.spec.selector) next.spec.selector = (live.spec as any)?.selector;
      const releasedPorts = !res.group && res.kind === 'Service' ? dropTypeDependentFields(next, live) : [];
      applyDefaults(next, res.group, this.alloc, !!res.crd);
      if (res.crd) for (const u of this.undeclared(res, next, opts.version)) u.drop();
      if (res.kind === 'CustomResourceDefinition' && res.group === 'apiextensions.k8s.io') crdStatus(next);
      if (res.kind === 'Namespace' && !res.group && live.metadata.deletionTimestamp) next.status = clone(live.status);
      const errs = validateObject(res.group, next, live);
      if (errs.length) throw invalid(res, live.metadata.name!, errs);
      if (!opts.dryRun) for (const p of releasedPorts) this.usedNodePorts.delete(p);
      if (live.metadata.deletionTimestamp) {
        const added = (next.metadata.finalizers ?? []).filter((f) => !(live.metadata.finalizers ?? []).includes(f));
        if (added.length) throw invalid(res, live.metadata.name!, [{ field: 'metadata.finalizers', type: 'Forbidden', detail: `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}` }]);
      }
      if (res.generation && generationChanged(res, live, next)) next.metadata.generation = (live.metadata.generation ?? 0) + 1;
    }
    next.metadata.resourceVersion = live.metadata.resourceVersion;
    next = orderMetadata(track(next));
    if (sameContent({ ...next, apiVersion: live.apiVersion }, live)) return this.answer(res, live, opts);
    if (opts.dryRun) return this.present(res, next, opts.version);
    next.metadata.resourceVersion = String(this.store.nextRv());
    next = orderMetadata(next);
    // Removing the last finalizer of an object being deleted completes the deletion.
    // (Namespaces are finished by the namespace controller once their contents are gone.)
    if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0 && !isNamespace(res)) {
      this.store.write(res, next, 'MODIFIED', live);
      this.finalDelete(res, next, 'Background');
      return this.present(res, next, opts.version);
    }
    this.store.write(res, next, 'MODIFIED', live);
    this.afterWrite(res, 'MODIFIED', next, live);
    return this.answer(res, next, opts);
  }

  private answer(res: ResourceDef, o: KubeObject, opts: WriteOptions): KubeObject {
    return opts.view ? this.view(res, o, opts.version) : this.present(res, o, opts.version);
  }

  scaleOf(res: ResourceDef, o: KubeObject): KubeObject {
    const spec = o.spec as any;
    const status = o.status as any;
    return {
      kind: 'Scale', apiVersion: 'autoscaling/v1',
      metadata: { name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp },
      spec: { replicas: spec?.replicas ?? 0 },
      status: { replicas: status?.replicas ?? 0, selector: selectorString(spec?.selector) },
    };
  }

  private writeScale(res: ResourceDef, ns: string, name: string, body: KubeObject, opts: WriteOptions): KubeObject {
    if (!res.subresources.includes('scale')) throw notFound(res, name);
    const live = this.store.get(res, res.namespaced ? ns : '', name);
    if (!live) throw notFound(res, name);
    if (body.metadata?.resourceVersion && body.metadata.resourceVersion !== live.metadata.resourceVersion) throw conflict(res, name);
    const replicas = (body.spec as any)?.replicas;
    if (typeof replicas !== 'number' || replicas < 0) {
      throw new ApiError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${replicas}: must be greater than or equal to 0`);
    }
    const next = clone(live);
    (next.spec as any) = { ...(next.spec as any), replicas };
    const out = this.commitUpdate(res, live, next, { ...opts, subresource: '' }, (o) => trackUpdate(live, o, opts.manager, this.timestamp(), 'scale', this.types));
    return this.scaleOf(res, out);
  }

  /** DELETE one object. Returns the object when deletion is pending (finalizers), else a Success status. */
  delete(res: ResourceDef, ns: string, name: string, opts: { propagationPolicy?: string; dryRun?: boolean; preconditions?: { uid?: string; resourceVersion?: string }; version?: string }): { pending: boolean; object: KubeObject } {
    const live = this.store.get(res, res.namespaced ? ns : '', name);
    if (!live) throw notFound(res, name);
    if (opts.preconditions?.uid && opts.preconditions.uid !== live.metadata.uid) {
      throw conflict(res, name, `Precondition failed: UID in precondition: ${opts.preconditions.uid}, UID in object meta: ${live.metadata.uid}`);
    }
    if (opts.preconditions?.resourceVersion && opts.preconditions.resourceVersion !== live.metadata.resourceVersion) {
      throw conflict(res, name, `Precondition failed: ResourceVersion in precondition: ${opts.preconditions.resourceVersion}, ResourceVersion in object meta: ${live.metadata.resourceVersion}`);
    }
    if (opts.dryRun) return { pending: false, object: this.present(res, live, opts.version) };
    const policy = opts.propagationPolicy ?? (res.group === 'batch' && res.kind === 'Job' ? 'Orphan' : 'Background');
    const isNs = res.kind === 'Namespace' && !res.group;
    let finalizers = [...(live.metadata.finalizers ?? [])];
    if (policy === 'Foreground' && this.dependentsOf(live.metadata.uid!).length > 0 && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
    if (finalizers.length > 0 || isNs) {
      if (live.metadata.deletionTimestamp) return { pending: true, object: this.present(res, live, opts.version) };
      const next = clone(live);
      next.metadata.deletionTimestamp = this.timestamp();
      next.metadata.deletionGracePeriodSeconds = 0;
      if (finalizers.length) next.metadata.finalizers = finalizers;
      if (isNs) {
        next.status = {
          phase: 'Terminating',
          conditions: [],
        };
      }
      next.metadata.resourceVersion = String(this.store.nextRv());
      this.store.write(res, next, 'MODIFIED', live);
      if (isNs) this.track(this.finalizeNamespace(name));
      if (finalizers.includes('foregroundDeletion')) this.track(this.foreground(res, next));
      return { pending: true, object: this.present(res, next, opts.version) };
    }
    const gone = this.finalDelete(res, live, policy);
    return { pending: false, object: this.present(res, gone, opts.version) };
  }

  /** Removes the object now, records DELETED and collects dependents per the propagation policy. */
  private finalDelete(res: ResourceDef, live: KubeObject, policy: string): KubeObject {
    const gone = clone(live);
    gone.metadata.resourceVersion = String(this.store.nextRv());
    this.store.remove(res, gone);
    this.afterWrite(res, 'DELETED', gone, live);
    this.collectDependents(gone.metadata.uid!, policy);
    return gone;
  }

  dependentsOf(uid: string): Array<{ res: ResourceDef; obj: KubeObject }> {
    const out: Array<{ res: ResourceDef; obj: KubeObject }> = [];
    for (const res of this.registry.all()) {
      for (const obj of this.store.scan(res)) {
        if ((obj.metadata.ownerReferences ?? []).some((r) => r.uid === uid)) out.push({ res, obj });
      }
    }
    return out;
  }

  private collectDependents(uid: string, policy: string): void {
    for (const { res, obj } of this.dependentsOf(uid)) {
      const live = this.store.get(res, obj.metadata.namespace ?? '', obj.metadata.name!);
      if (!live) continue;
      const refs = (live.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
      const ownersLeft = refs.some((r) => this.existsUid(String(r.uid)));
      if (policy === 'Orphan' || ownersLeft) {
        const next = clone(live);
        if (refs.length) next.metadata.ownerReferences = refs; else delete next.metadata.ownerReferences;
        next.metadata.resourceVersion = String(this.store.nextRv());
        this.store.write(res, next, 'MODIFIED', live);
        continue;
      }
      try { this.delete(res, live.metadata.namespace ?? '', live.metadata.name!, { propagationPolicy: 'Background' }); } catch { /* already gone */ }
    }
  }

  private existsUid(uid: string): boolean {
    for (const res of this.registry.all()) for (const o of this.store.scan(res)) if (o.metadata.uid === uid) return true;
    return false;
  }

  private async foreground(res: ResourceDef, owner: KubeObject): Promise<void> {
    await Promise.resolve();
    this.collectDependents(owner.metadata.uid!, 'Background');
    const live = this.store.get(res, owner.metadata.namespace ?? '', owner.metadata.name!);
    if (!live) return;
    const next = clone(live);
    next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== 'foregroundDeletion');
    if (next.metadata.finalizers.length === 0) { delete next.metadata.finalizers; this.finalDelete(res, next, 'Background'); return; }
    next.metadata.resourceVersion = String(this.store.nextRv());
    this.store.write(res, next, 'MODIFIED', live);
  }

  /** Namespace controller: delete the contents, wait for their finalizers, then drop the namespace. */
  private async finalizeNamespace(ns: string): Promise<void> {
    const nsRes = this.registry.byKind('', 'Namespace')!;
    for (let round = 0; round < 10000; round++) {
      // The namespace controller works asynchronously: contents outlive the DELETE call for a moment
      // (kubectl delete -f on a namespace and its contents still finds the contents).
      await new Promise((r) => setTimeout(r, round === 0 ? this.namespaceDelayMs : 20));
      const live = this.store.get(nsRes, '', ns);
      if (!live || !live.metadata.deletionTimestamp) return;
      let left = 0;
      for (const res of this.registry.all()) {
        if (!res.namespaced) continue;
        for (const o of this.store.list(res, ns)) {
          left++;
          if (!o.metadata.deletionTimestamp) {
            try { this.delete(res, ns, o.metadata.name!, { propagationPolicy: 'Background' }); } catch { /* raced */ }
          }
        }
      }
      if (left > 0) continue;
      const cur = this.store.get(nsRes, '', ns);
      if (!cur) return;
      if ((cur.metadata.finalizers ?? []).length > 0) continue; // someone else's finalizer
      this.finalDelete(nsRes, cur, 'Background');
      return;
    }
  }

  private track(p: Promise<unknown>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Resolves when background deletions have finished. */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  deleteCollection(res: ResourceDef, ns: string | undefined, opts: ListOptions & { propagationPolicy?: string; dryRun?: boolean }): KubeObject[] {
    const { items } = this.list(res, ns, { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector });
    const out: KubeObject[] = [];
    for (const o of items) {
      try { out.push(this.delete(res, o.metadata.namespace ?? '', o.metadata.name!, opts).object); } catch { /* gone meanwhile */ }
    }
    return out;
  }

  private afterWrite(res: ResourceDef, type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject, old?: KubeObject): void {
    if (res.group === 'apiextensions.k8s.io' && res.kind === 'CustomResourceDefinition') this.syncCrd(type, obj, old);
    this.onChange(res, type, obj, old);
  }

  private syncCrd(type: string, crd: KubeObject, old?: KubeObject): void {
    const prev = old ? resourceFromCrd(old as any) : undefined;
    const next = type === 'DELETED' ? undefined : resourceFromCrd(crd as any);
    if (prev && (!next || prev.group !== next.group || prev.plural !== next.plural)) {
      const def = this.registry.byPlural(prev.group, prev.versions[0]!, prev.plural);
      if (def) for (const o of this.store.list(def)) this.finalDelete(def, o, 'Background');
      this.registry.remove(prev.group, prev.plural);
      this.store.dropResource(prev);
    }
    if (next) this.registry.add(next);
  }

  /** Out-of-band write for tests: stores the object as-is (with a new resourceVersion), bypassing validation. */
  putRaw(res: ResourceDef, obj: KubeObject): KubeObject {
    const o = clone(obj);
    o.apiVersion = apiVersionOf(res.group, res.versions[0]!);
    const live = this.store.get(res, o.metadata.namespace ?? '', o.metadata.name!);
    o.metadata.uid ??= live?.metadata.uid ?? randomUUID();
    o.metadata.creationTimestamp ??= live?.metadata.creationTimestamp ?? this.timestamp();
    o.metadata.resourceVersion = String(this.store.nextRv());
    this.store.write(res, o, live ? 'MODIFIED' : 'ADDED', live);
    this.afterWrite(res, live ? 'MODIFIED' : 'ADDED', o, live);
    return clone(o);
  }

  /** Controller status write: replaces status without bumping generation; no-op when unchanged. Returns a read-only view. */
  writeStatus(res: ResourceDef, live: KubeObject, status: unknown, manager = 'kube-controller-manager', annotations?: Record<string, string>): KubeObject {
    // Status updates carry annotations through (the deployment controller records its revision this way).
    const annChanged = annotations && JSON.stringify({ ...live.metadata.annotations, ...annotations }) !== JSON.stringify(live.metadata.annotations ?? {});
    if (!annChanged && JSON.stringify(status) === JSON.stringify(live.status)) return live;
    // commitUpdate copies live and the status for a /status write: no copies needed here.
    const next = { ...live, status } as KubeObject;
    return this.commitUpdate(res, live, next, { manager, subresource: 'status', view: true }, (o) => {
      if (annChanged) o.metadata.annotations = { ...(o.metadata.annotations ?? {}), ...annotations };
      return trackUpdate(live, o, manager, this.timestamp(), 'status', this.types);
    });
  }

  /** Controller write of the main resource (spec/metadata), e.g. scaling a ReplicaSet. Returns a read-only view. */
  writeObject(res: ResourceDef, live: KubeObject, next: KubeObject, manager = 'kube-controller-manager'): KubeObject {
    return this.commitUpdate(res, live, next, { manager, view: true }, (o) => trackUpdate(live, o, manager, this.timestamp(), undefined, this.types));
  }

  createInternal(res: ResourceDef, obj: KubeObject, manager = 'kube-controller-manager'): KubeObject {
    return this.create(res, obj.metadata.namespace ?? '', obj, { manager });
  }
}

function isNamespace(res: ResourceDef): boolean {
  return res.kind === 'Namespace' && !res.group;
}

function applyPatch(type: PatchType, live: KubeObject, body: unknown, root: Type): KubeObject {
  switch (type) {
    case 'merge': return jsonMergePatch(live, body);
    case 'json': return jsonPatch(live, body);
    case 'strategic': return strategicMergePatch(live, body, root);
    default: throw unsupportedMediaType(type);
  }
}

/** The API server's 409 for apply conflicts names no object in its details, only the causes. */
function applyConflict(e: ApplyConflictError): ApiError {
  return new ApiError(409, 'Conflict', e.message, { causes: e.causes() });
}

/** Merge-module errors carry the status and reason the API server answers with. */
function fromMergeError(e: unknown): unknown {
  if (e instanceof ApiError) return e;
  if (e instanceof MergeError) return new ApiError(e.status, e.reason, e.message, e.details);
  return new ApiError(422, 'Invalid', (e as Error)?.message ?? String(e));
}

function generationChanged(res: ResourceDef, old: KubeObject, next: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const c: Record<string, unknown> = { ...o };
    delete c.metadata; delete c.status; delete c.apiVersion; delete c.kind;
    return JSON.stringify(c);
  };
  if (res.crd || !('spec' in next || 'spec' in old)) return strip(old) !== strip(next);
  if (JSON.stringify(old.spec ?? null) !== JSON.stringify(next.spec ?? null)) return true;
  // Deployment annotations are copied to ReplicaSets, so they bump generation too (registry/apps/deployment).
  if (res.group === 'apps' && res.kind === 'Deployment') {
    return JSON.stringify(old.metadata.annotations ?? {}) !== JSON.stringify(next.metadata.annotations ?? {});
  }
  return false;
}

function generateJobSelector(job: KubeObject): void {
  const spec = (job.spec ??= {}) as any;
  if (spec.manualSelector === true) return;
  const uid = job.metadata.uid!;
  spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  spec.template ??= {};
  spec.template.metadata ??= {};
  spec.template.metadata.labels = {
    ...(spec.template.metadata.labels ?? {}),
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': job.metadata.name,
    'controller-uid': uid,
    'job-name': job.metadata.name,
  };
  if (!job.metadata.labels || Object.keys(job.metadata.labels).length === 0) job.metadata.labels = { ...spec.template.metadata.labels };
}

function crdStatus(crd: KubeObject): void {
  const spec = crd.spec as any;
  crd.status = {
    acceptedNames: { ...(spec?.names ?? {}) },
    conditions: [
      { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: (crd.metadata.creationTimestamp ?? '') },
      { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: (crd.metadata.creationTimestamp ?? '') },
    ],
    storedVersions: (spec?.versions ?? []).filter((v: any) => v.storage).map((v: any) => v.name),
  };
}

/**
 * Go's `omitempty`: the API server never writes empty optional maps/lists that are plain (non-pointer)
 * fields, e.g. `annotations: {}` left behind by a patch. Covers the ones patches commonly empty.
 */
function dropEmpty(o: KubeObject): void {
  const empty = (v: unknown) => v !== undefined && v !== null && typeof v === 'object' && Object.keys(v as object).length === 0;
  const m = o.metadata as Record<string, unknown>;
  for (const k of ['labels', 'annotations', 'finalizers', 'ownerReferences', 'managedFields']) if (empty(m[k]) || m[k] === null) delete m[k];
  const rec = o as Record<string, any>;
  if ((o.kind === 'ConfigMap' || o.kind === 'Secret') && !o.apiVersion.includes('/')) {
    for (const k of ['data', 'binaryData']) if (empty(rec[k]) || rec[k] === null) delete rec[k];
  }
  if (o.kind === 'Service' && rec.spec && (empty(rec.spec.selector) || rec.spec.selector === null)) delete rec.spec.selector;
}

/** Metadata keys in the order the API server serializes ObjectMeta (stable, readable YAML). */
const META_ORDER = ['name', 'generateName', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields'];
function orderMetadata(o: KubeObject): KubeObject {
  dropEmpty(o);
  const m: Record<string, unknown> = {};
  for (const k of META_ORDER) if (o.metadata[k] !== undefined) m[k] = o.metadata[k];
  for (const [k, v] of Object.entries(o.metadata)) if (!(k in m) && v !== undefined) m[k] = v;
  const { apiVersion, kind, metadata: _m, ...rest } = o;
  return { apiVersion, kind, metadata: m as KubeObject['metadata'], ...rest };
}

/**
 * Fields admission plugins and the registry set on create (Priority, ServiceAccount, DefaultStorageClass
 * admission; Service IP and port allocation; the Job selector), as paths, with whether the client sent them.
 */
function admittedFieldsOf(res: ResourceDef, input: KubeObject): Array<{ path: string[]; sent: boolean }> {
  const paths: string[][] = [];
  const spec = (input.spec ?? {}) as Record<string, any>;
  if (!res.group && res.kind === 'Pod') paths.push(['spec', 'priority'], ['spec', 'preemptionPolicy'], ['spec', 'serviceAccountName'], ['spec', 'serviceAccount']);
  if (!res.group && res.kind === 'Service') {
    paths.push(['spec', 'clusterIP'], ['spec', 'clusterIPs'], ['spec', 'ipFamilies'], ['spec', 'ipFamilyPolicy']);
    (spec.ports ?? []).forEach((_: unknown, i: number) => paths.push(['spec', 'ports', String(i), 'nodePort']));
  }
  if (!res.group && res.kind === 'PersistentVolumeClaim') paths.push(['spec', 'storageClassName']);
  if (res.group === 'batch' && res.kind === 'Job' && spec.manualSelector !== true) {
    paths.push(['spec', 'selector']);
    if (!input.metadata.labels || Object.keys(input.metadata.labels).length === 0) paths.push(['metadata', 'labels']);
    for (const k of JOB_LABELS) paths.push(['metadata', 'labels', k], ['spec', 'template', 'metadata', 'labels', k]);
  }
  return paths.map((path) => ({ path, sent: valueAt(input, path) !== undefined }));
}

const JOB_LABELS = ['batch.kubernetes.io/controller-uid', 'batch.kubernetes.io/job-name', 'controller-uid', 'job-name'];

function valueAt(obj: unknown, path: string[]): unknown {
  let cur: any = obj;
  for (const p of path) cur = cur == null ? undefined : cur[p];
  return cur;
}

/** A copy of `obj` without the admitted fields the client did not send (emptied maps dropped). */
function withoutAdmitted(obj: KubeObject, admitted: Array<{ path: string[]; sent: boolean }>): KubeObject {
  const drop = admitted.filter((a) => !a.sent && valueAt(obj, a.path) !== undefined);
  if (drop.length === 0) return obj;
  const out = clone(obj);
  for (const { path } of drop) {
    const parent = valueAt(out, path.slice(0, -1)) as Record<string, unknown> | undefined;
    if (parent) delete parent[path[path.length - 1]!];
    const grand = valueAt(out, path.slice(0, -2)) as Record<string, unknown> | undefined;
    const key = path[path.length - 2]!;
    if (grand && isObj(grand[key]) && Object.keys(grand[key] as object).length === 0) delete grand[key];
  }
  return out;
}

/**
 * Mutating admission of pods after the field manager ran: the ServiceAccount plugin's projected token
 * volume (mounted read-only in every container) and DefaultTolerationSeconds' not-ready/unreachable
 * tolerations, as kube-apiserver's default plugins add them.
 */
function admitPod(pod: KubeObject): void {
  const spec = (pod.spec ??= {}) as Record<string, any>;
  if (spec.automountServiceAccountToken !== false && !(spec.volumes ?? []).some((v: any) => /^kube-api-access-/.test(v.name))) {
    const name = `kube-api-access-${randomSuffix()}`;
    spec.volumes = [...(spec.volumes ?? []), {
      name,
      projected: {
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
        defaultMode: 420,
      },
    }];
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      if ((c.volumeMounts ?? []).some((m: any) => m.mountPath === '/var/run/secrets/kubernetes.io/serviceaccount')) continue;
      c.volumeMounts = [...(c.volumeMounts ?? []), { name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }];
    }
  }
  const tolerations = (spec.tolerations ?? []) as Array<Record<string, unknown>>;
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (tolerations.some((t) => (t.key === key || t.operator === 'Exists' && !t.key) && (!t.effect || t.effect === 'NoExecute'))) continue;
    tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  spec.tolerations = tolerations;
}
