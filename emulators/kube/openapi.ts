// OpenAPI v3 discovery, as far as kubectl uses it: the root lists one document per group-version;
// each document has operations per resource tagged with x-kubernetes-group-version-kind and the
// `fieldValidation` parameter (kubectl then leaves validation to the server), and component schemas
// for its kinds (built-ins from openapi-schemas.ts, custom resources from their CRD's structural
// schema) which `kubectl explain` reads and client-side apply takes patch metadata from.
// Documents are built on first request and cached per content hash (the root's `?hash=`).
import { createHash } from 'node:crypto';
import { builtinSchemas, type Schema } from './openapi-schemas.ts';
import { apiVersionOf, type ResourceRegistry } from './resources.ts';

/** Bumped when generated documents change shape, so kubectl's disk cache (keyed by hash) refreshes. */
const DOC_VERSION = 3;
const docCache = new Map<string, object>();

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

export function openapiV3Root(reg: ResourceRegistry, crdSchema?: CrdSchemaOf): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const g of reg.groups()) {
    for (const v of g.versions) {
      const p = gvPath(g.group, v);
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${docHash(reg, g.group, v, crdSchema)}` };
    }
  }
  return { paths };
}

export type CrdSchemaOf = (group: string, plural: string, version: string) => Schema | undefined;

function docHash(reg: ResourceRegistry, group: string, version: string, crdSchema?: CrdSchemaOf): string {
  const defs = reg.inGroupVersion(group, version).map((d) => [d.plural, d.kind, d.namespaced, d.crd ? crdSchema?.(d.group, d.plural, version) ?? null : null]);
  return createHash('sha512').update(JSON.stringify([DOC_VERSION, defs])).digest('hex').slice(0, 128).toUpperCase();
}

/** A CRD version's structural schema as a component, named like the API server names it (reversed group). */
function crdComponent(group: string, version: string, kind: string, schema: Schema | undefined): [string, Schema] {
  const name = `${group.split('.').reverse().join('.')}.${version}.${kind}`;
  const s: Schema = { type: 'object', ...(schema ?? { 'x-kubernetes-preserve-unknown-fields': true }) };
  const props = { ...((s.properties as Record<string, Schema> | undefined) ?? {}) };
  props.apiVersion ??= { type: 'string' };
  props.kind ??= { type: 'string' };
  props.metadata ??= { allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }] };
  s.properties = props;
  s['x-kubernetes-group-version-kind'] = [{ group, kind, version }];
  return [name, s];
}

const QUERY = (name: string) => ({ name, in: 'query', schema: { type: 'string' }, description: name, uniqueItems: true });

export function openapiV3Document(reg: ResourceRegistry, segs: string[], crdSchema: CrdSchemaOf = () => undefined): object | undefined {
  let group = '';
  let version: string;
  if (segs[0] === 'api' && segs.length === 2) version = segs[1]!;
  else if (segs[0] === 'apis' && segs.length === 3) { group = segs[1]!; version = segs[2]!; }
  else return undefined;
  const defs = reg.inGroupVersion(group, version);
  if (defs.length === 0) return undefined;
  const key = `${group}/${version}/${docHash(reg, group, version, crdSchema)}`;
  const cached = docCache.get(key);
  if (cached) return cached;
  const paths: Record<string, unknown> = {};
  const prefix = `/${gvPath(group, version)}`;
  for (const d of defs) {
    const gvk = { group: d.group, version, kind: d.kind };
    const base = d.namespaced ? `${prefix}/namespaces/{namespace}/${d.plural}` : `${prefix}/${d.plural}`;
    const op = (verb: string) => ({
      operationId: `${verb}${d.kind}`,
      'x-kubernetes-action': verb,
      'x-kubernetes-group-version-kind': gvk,
      parameters: verb === 'patch'
        ? [QUERY('dryRun'), QUERY('fieldManager'), QUERY('fieldValidation'), QUERY('force')]
        : [QUERY('dryRun'), QUERY('fieldManager'), QUERY('fieldValidation')],
      responses: { '200': { description: 'OK' } },
    });
    paths[`${base}/{name}`] = { get: op('get'), put: op('put'), patch: op('patch'), delete: op('delete') };
    paths[base] = { get: op('list'), post: op('post') };
  }
  const builtin = defs.filter((d) => !d.crd && !d.review);
  const schemas: Record<string, Schema> = builtinSchemas(group, version, builtin.map((d) => d.kind));
  const custom = defs.filter((d) => d.crd);
  if (custom.length) {
    Object.assign(schemas, metaSchemas());
    for (const d of custom) {
      const [name, s] = crdComponent(d.group, version, d.kind, crdSchema(d.group, d.plural, version));
      schemas[name] = s;
    }
  }
  const doc = {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.34.5' },
    paths,
    components: { schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => (a < b ? -1 : 1))) },
    'x-driftguard-group-version': apiVersionOf(group, version),
  };
  if (docCache.size > 200) docCache.clear();
  docCache.set(key, doc);
  return doc;
}

/** ObjectMeta and what it references, for documents of custom resources. */
function metaSchemas(): Record<string, Schema> {
  const all = builtinSchemas('', 'v1', ['ConfigMap']);
  return Object.fromEntries(Object.entries(all).filter(([n]) => n.startsWith('io.k8s.apimachinery.')));
}
