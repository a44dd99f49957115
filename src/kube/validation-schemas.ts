// Where manifest validation gets its schemas: the destination cluster's own OpenAPI v3 documents
// when it answers (exactly the API it will apply to, CRDs included), else the schemas bundled from
// kubernetes-models for BUNDLED_KUBE_VERSION. Only the group-versions the manifests use are fetched;
// documents are cached by their URL, which carries the server's content hash.
import { DriftguardError } from '../core/errors.ts';
import { parseApiVersion, type SourcedObject } from '../core/model/object.ts';
import { SchemaSet, type OpenApiDocument } from '../core/validate/schema-set.ts';
import { BUNDLED_KUBE_VERSION, builtinSchemas } from './bundled-openapi.ts';
import type { KubeHttp } from './http.ts';

export { BUNDLED_KUBE_VERSION };

type OpenApiHttp = Pick<KubeHttp, 'request'>;

const docCache = new Map<string, OpenApiDocument>();
const DOC_CACHE_MAX = 500;

/** `api/v1` or `apis/apps/v1` for each group-version the objects use. */
function groupVersionPaths(objects: SourcedObject[]): Set<string> {
  const out = new Set<string>();
  for (const so of objects) {
    const { group, version } = parseApiVersion(so.object.apiVersion);
    out.add(group ? `apis/${group}/${version}` : `api/${version}`);
  }
  return out;
}

/** The cluster's /openapi/v3 documents for the group-versions the objects use (served ones only). */
export async function clusterSchemaSet(http: OpenApiHttp, objects: SourcedObject[]): Promise<SchemaSet> {
  const root = await http.request<{ paths?: Record<string, { serverRelativeURL?: string }> }>('GET', '/openapi/v3', { retry: false });
  const docs: OpenApiDocument[] = [];
  await Promise.all([...groupVersionPaths(objects)].map(async (p) => {
    const url = root.paths?.[p]?.serverRelativeURL ?? (root.paths?.[p] ? `/openapi/v3/${p}` : undefined);
    if (!url) return; // not served: the sync reports unknown kinds; the schema check leaves them unchecked
    let doc = docCache.get(url);
    if (!doc) {
      const [path, qs] = url.split('?');
      const query = Object.fromEntries(new URLSearchParams(qs ?? ''));
      doc = await http.request<OpenApiDocument>('GET', path!, { query });
      if (docCache.size >= DOC_CACHE_MAX) docCache.clear();
      docCache.set(url, doc);
    }
    docs.push(doc);
  }));
  return new SchemaSet('cluster', docs);
}

/** Schemas bundled with Driftguard for the built-in kinds the objects use. */
export function bundledSchemaSet(objects: SourcedObject[], kubeVersion?: string): SchemaSet {
  if (kubeVersion !== undefined) {
    const m = /^v?(\d+)\.(\d+)/.exec(kubeVersion.trim());
    if (!m || `${Number(m[1])}.${Number(m[2])}` !== BUNDLED_KUBE_VERSION) {
      throw new DriftguardError('USAGE', `no bundled schemas for Kubernetes ${kubeVersion}: Driftguard bundles Kubernetes ${BUNDLED_KUBE_VERSION} (validate against a cluster with --context to use its own schemas)`);
    }
  }
  const kinds = new Map<string, Set<string>>();
  for (const so of objects) {
    const gv = so.object.apiVersion;
    if (!kinds.has(gv)) kinds.set(gv, new Set());
    kinds.get(gv)!.add(so.object.kind);
  }
  const docs: OpenApiDocument[] = [];
  for (const [gv, ks] of kinds) {
    const { group, version } = parseApiVersion(gv);
    docs.push({ components: { schemas: builtinSchemas(group, version, [...ks]) } });
  }
  return new SchemaSet(`bundled Kubernetes ${BUNDLED_KUBE_VERSION}`, docs);
}

export interface SchemaSource {
  /** The destination cluster; its /openapi/v3 is preferred. */
  http?: OpenApiHttp;
  /** Kubernetes version of the bundled schemas (checked against what is bundled). */
  kubeVersion?: string;
}

/** Cluster schemas when the cluster answers, else bundled ones; `fallback` says why the cluster was not used. */
export async function schemasFor(objects: SourcedObject[], src: SchemaSource): Promise<{ schemas: SchemaSet; fallback?: string }> {
  if (src.http) {
    try {
      return { schemas: await clusterSchemaSet(src.http, objects) };
    } catch (e) {
      return { schemas: bundledSchemaSet(objects, src.kubeVersion), fallback: `the cluster's /openapi/v3 could not be read (${(e as Error).message.slice(0, 200)})` };
    }
  }
  return { schemas: bundledSchemaSet(objects, src.kubeVersion) };
}

/** Namespaces among `namespaces` that have at least one NetworkPolicy in the cluster. */
export async function namespacesWithNetworkPolicy(http: OpenApiHttp, namespaces: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  await Promise.all(namespaces.map(async (ns) => {
    const list = await http.request<{ items?: unknown[] }>('GET', `/apis/networking.k8s.io/v1/namespaces/${encodeURIComponent(ns)}/networkpolicies`, { query: { limit: 1 } });
    if ((list.items ?? []).length > 0) out.add(ns);
  }));
  return out;
}
