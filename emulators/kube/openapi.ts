// OpenAPI v3 discovery, as far as kubectl uses it: the root lists one document per group-version;
// each document has a PATCH operation per resource tagged with x-kubernetes-group-version-kind and
// the `fieldValidation` parameter, which tells kubectl to leave validation to the server instead of
// validating client-side against schemas. No component schemas are served, so kubectl computes
// strategic merge patches from its compiled-in types (its documented fallback).
import { createHash } from 'node:crypto';
import { apiVersionOf, type ResourceRegistry } from './resources.ts';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

export function openapiV3Root(reg: ResourceRegistry): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const g of reg.groups()) {
    for (const v of g.versions) {
      const p = gvPath(g.group, v);
      const hash = createHash('sha512').update(JSON.stringify(reg.inGroupVersion(g.group, v).map((d) => [d.plural, d.kind, d.namespaced]))).digest('hex').slice(0, 128).toUpperCase();
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash}` };
    }
  }
  return { paths };
}

const QUERY = (name: string) => ({ name, in: 'query', schema: { type: 'string' }, description: name, uniqueItems: true });

export function openapiV3Document(reg: ResourceRegistry, segs: string[]): object | undefined {
  let group = '';
  let version: string;
  if (segs[0] === 'api' && segs.length === 2) version = segs[1]!;
  else if (segs[0] === 'apis' && segs.length === 3) { group = segs[1]!; version = segs[2]!; }
  else return undefined;
  const defs = reg.inGroupVersion(group, version);
  if (defs.length === 0) return undefined;
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
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.34.5' },
    paths,
    components: { schemas: {} },
    'x-driftguard-group-version': apiVersionOf(group, version),
  };
}
