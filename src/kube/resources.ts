// Generic get/list/apply/delete by group/version/kind, over discovery. Server-side apply uses field
// manager `driftguard` with force=true: like Flux (and unlike Argo CD's default client-side apply),
// we take ownership of fields another manager (e.g. a `kubectl edit`) changed on objects we own, since
// git is the source of truth; conflicts would otherwise block every sync until a human intervenes.
// Fields nobody in git sets stay with their managers (an HPA's replicas if the manifest omits them).
import { DriftguardError } from '../core/errors.ts';
import { FIELD_MANAGER } from '../core/ownership.ts';
import type { KubeObject } from '../core/model/object.ts';
import { apiVersionOf, gvkOf, type ApiResourceInfo, type Discovery, type GVK } from './discovery.ts';
import { kubeStatus } from './errors.ts';
import type { KubeHttp } from './http.ts';

export type PropagationPolicy = 'Foreground' | 'Background' | 'Orphan';

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
}

export function resourcePath(info: ApiResourceInfo, namespace?: string, name?: string): string {
  const base = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  const ns = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${info.plural}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`;
}

export class Resources {
  constructor(private readonly http: KubeHttp, readonly discovery: Discovery) {}

  async info(gvk: GVK): Promise<ApiResourceInfo> {
    const info = await this.discovery.resolve(gvk);
    if (!info) {
      throw new DriftguardError('KUBE_API', `the server does not serve kind ${gvk.kind} in ${apiVersionOf(gvk)} (no such API in discovery; is its CRD installed?)`, {
        details: { status: 404, reason: 'NotFound', message: `no matches for kind "${gvk.kind}" in version "${apiVersionOf(gvk)}"`, verb: 'DISCOVER', path: apiVersionOf(gvk) },
      });
    }
    return info;
  }

  /** The object, or undefined on 404. */
  async get(gvk: GVK, namespace: string, name: string, opts: { signal?: AbortSignal } = {}): Promise<KubeObject | undefined> {
    const info = await this.info(gvk);
    try {
      return await this.http.request<KubeObject>('GET', resourcePath(info, namespace, name), { signal: opts.signal });
    } catch (e) {
      if (kubeStatus(e) === 404) return undefined;
      throw e;
    }
  }

  /** All objects of a kind (paginated), optionally in one namespace and by label selector. Items get apiVersion/kind filled in. */
  async list(gvk: GVK, opts: { namespace?: string; labelSelector?: string; fieldSelector?: string; signal?: AbortSignal } = {}): Promise<ListResult> {
    const info = await this.info(gvk);
    const items: KubeObject[] = [];
    let cont: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.http.request<{ items?: KubeObject[]; metadata?: { continue?: string; resourceVersion?: string } }>(
        'GET', resourcePath(info, opts.namespace),
        { query: { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector, limit: 500, continue: cont }, signal: opts.signal },
      );
      for (const it of page?.items ?? []) items.push({ ...it, apiVersion: apiVersionOf(info), kind: info.kind });
      cont = page?.metadata?.continue || undefined;
      resourceVersion = page?.metadata?.resourceVersion ?? resourceVersion;
    } while (cont);
    return { items, resourceVersion };
  }

  /** Server-side apply. `dryRun` asks the server what the object would become, without persisting. */
  async apply(obj: KubeObject, opts: { dryRun?: boolean; force?: boolean; fieldManager?: string; fieldValidation?: 'Strict' | 'Warn' | 'Ignore'; signal?: AbortSignal } = {}): Promise<KubeObject> {
    const info = await this.info(gvkOf(obj.apiVersion, obj.kind));
    const name = obj.metadata?.name;
    if (!name) throw new DriftguardError('MANIFEST_INVALID', `${obj.kind} without metadata.name cannot be applied`);
    return this.http.request<KubeObject>('PATCH', resourcePath(info, obj.metadata.namespace, name), {
      body: obj,
      contentType: 'application/apply-patch+yaml', // JSON is YAML; the server accepts either
      query: { fieldManager: opts.fieldManager ?? FIELD_MANAGER, force: opts.force ?? true, dryRun: opts.dryRun ? 'All' : undefined, fieldValidation: opts.fieldValidation },
      signal: opts.signal,
    });
  }

  /** Delete; returns false when it was already gone. */
  async delete(gvk: GVK, namespace: string, name: string, opts: { propagationPolicy?: PropagationPolicy; dryRun?: boolean; gracePeriodSeconds?: number; signal?: AbortSignal } = {}): Promise<boolean> {
    const info = await this.info(gvk);
    try {
      await this.http.request('DELETE', resourcePath(info, namespace, name), {
        body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: opts.propagationPolicy ?? 'Foreground', ...(opts.dryRun ? { dryRun: ['All'] } : {}), ...(opts.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {}) },
        query: { dryRun: opts.dryRun ? 'All' : undefined },
        signal: opts.signal,
      });
      return true;
    } catch (e) {
      if (kubeStatus(e) === 404) return false;
      throw e;
    }
  }
}
