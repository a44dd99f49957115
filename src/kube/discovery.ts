// API discovery, cached per cluster and per group/version: group/version/kind -> resource plural, scope
// and verbs. Loaded lazily (one GET of /api/v1 or /apis/<group>/<version> the first time a group/version
// is used) and refreshed on a miss, so a kind served by a CRD created a moment ago is found.
import type { KubeHttp } from './http.ts';
import { kubeStatus } from './errors.ts';

export interface GVK {
  group: string;
  version: string;
  kind: string;
}

export interface ApiResourceInfo extends GVK {
  plural: string;
  namespaced: boolean;
  verbs: string[];
}

interface ApiResourceList {
  resources?: Array<{ name: string; kind: string; namespaced: boolean; verbs?: string[] }>;
}

export function gvkOf(apiVersion: string, kind: string): GVK {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion, kind } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1), kind };
}

export function apiVersionOf(gv: { group: string; version: string }): string {
  return gv.group ? `${gv.group}/${gv.version}` : gv.version;
}

export class Discovery {
  /** group/version -> kind -> info; a null entry means "group/version not served" (as of the last fetch). */
  private readonly cache = new Map<string, Map<string, ApiResourceInfo> | null>();
  private readonly inflight = new Map<string, Promise<Map<string, ApiResourceInfo> | null>>();

  constructor(private readonly http: KubeHttp) {}

  private async load(gv: { group: string; version: string }): Promise<Map<string, ApiResourceInfo> | null> {
    const k = apiVersionOf(gv);
    let p = this.inflight.get(k);
    if (!p) {
      p = (async () => {
        try {
          const path = gv.group ? `/apis/${gv.group}/${gv.version}` : `/api/${gv.version}`;
          const list = await this.http.request<ApiResourceList>('GET', path);
          const kinds = new Map<string, ApiResourceInfo>();
          for (const r of list?.resources ?? []) {
            if (r.name.includes('/')) continue; // subresources (status, scale)
            kinds.set(r.kind, { ...gv, kind: r.kind, plural: r.name, namespaced: r.namespaced, verbs: r.verbs ?? [] });
          }
          this.cache.set(k, kinds);
          return kinds;
        } catch (e) {
          if (kubeStatus(e) === 404) {
            this.cache.set(k, null);
            return null;
          }
          throw e;
        } finally {
          this.inflight.delete(k);
        }
      })();
      this.inflight.set(k, p);
    }
    return p;
  }

  /** Info for a kind, from cache; on a miss the group/version is fetched again once. Undefined if not served. */
  async resolve(gvk: GVK): Promise<ApiResourceInfo | undefined> {
    const k = apiVersionOf(gvk);
    const cached = this.cache.get(k);
    const hit = cached?.get(gvk.kind);
    if (hit) return hit;
    const fresh = await this.load(gvk);
    return fresh?.get(gvk.kind) ?? undefined;
  }

  /** Cached answer only (no request); undefined when unknown. */
  peek(gvk: GVK): ApiResourceInfo | undefined {
    return this.cache.get(apiVersionOf(gvk))?.get(gvk.kind) ?? undefined;
  }

  invalidate(): void {
    this.cache.clear();
  }
}
