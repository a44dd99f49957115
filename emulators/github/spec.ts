// GitHub's own OpenAPI description (@octokit/openapi), loaded once, and a router over its paths.
// The emulator accepts exactly the operations the description knows; everything else is a 404 like GitHub.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Record<string, unknown>;
  'x-multi-segment'?: boolean;
}

export interface OpenApiOperation {
  operationId: string;
  parameters?: Array<OpenApiParameter | { $ref: string }>;
  requestBody?: { required?: boolean; content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: Record<string, unknown> }> }>;
  externalDocs?: { url: string };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: Record<string, Record<string, unknown>>;
}

export interface Operation {
  method: string;
  template: string;
  op: OpenApiOperation;
  parameters: OpenApiParameter[];
}

interface Route {
  operation: Operation;
  segments: Array<{ literal: string } | { param: string; multi: boolean }>;
  literals: number;
}

let doc: OpenApiDocument | undefined;
let routes: Route[] | undefined;

/** The api.github.com description (not dereferenced: refs are resolved by ajv, which is much smaller in memory). */
export function openApiDocument(): OpenApiDocument {
  if (!doc) {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
    doc = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
  }
  return doc;
}

/** Resolves a local `#/components/...` reference in the description. */
export function resolveRef<T>(value: T | { $ref: string }): T {
  let v: unknown = value;
  for (let i = 0; i < 10 && v && typeof v === 'object' && '$ref' in v; i++) {
    const ref = (v as { $ref: string }).$ref;
    v = ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], openApiDocument());
  }
  return v as T;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head']);

function buildRoutes(): Route[] {
  const out: Route[] = [];
  for (const [template, item] of Object.entries(openApiDocument().paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const parameters = (op.parameters ?? []).map((p) => resolveRef<OpenApiParameter>(p));
      const multi = new Set(parameters.filter((p) => p['x-multi-segment']).map((p) => p.name));
      const segments = template
        .split('/')
        .slice(1)
        .map((s) => {
          const m = /^\{(.+)\}$/.exec(s);
          return m ? { param: m[1], multi: multi.has(m[1]) } : { literal: s };
        });
      out.push({
        operation: { method: method.toUpperCase(), template, op, parameters },
        segments,
        literals: segments.filter((s) => 'literal' in s).length,
      });
    }
  }
  return out;
}

function matchSegments(route: Route['segments'], parts: string[], i: number, j: number, params: Record<string, string>): boolean {
  if (i === route.length) return j === parts.length;
  const seg = route[i];
  if ('literal' in seg) return j < parts.length && parts[j] === seg.literal && matchSegments(route, parts, i + 1, j + 1, params);
  if (!seg.multi) {
    if (j >= parts.length || parts[j] === '') return false;
    params[seg.param] = parts[j];
    return matchSegments(route, parts, i + 1, j + 1, params);
  }
  // A multi-segment parameter (file path, ref with slashes) takes as many segments as lets the rest match;
  // at the end of a path it may also be empty (the repository root for contents).
  for (let end = parts.length; end >= j; end--) {
    if (end === j && i + 1 < route.length) continue;
    params[seg.param] = parts.slice(j, end).join('/');
    if (matchSegments(route, parts, i + 1, end, params)) return true;
  }
  return false;
}

/** Finds the operation for a method and a path (without `/api/v3`); the most literal template wins. */
export function findOperation(method: string, path: string): { operation: Operation; params: Record<string, string> } | undefined {
  routes ??= buildRoutes();
  const parts = path.split('/').slice(1);
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  let best: { operation: Operation; params: Record<string, string>; literals: number } | undefined;
  for (const r of routes) {
    if (r.operation.method !== method) continue;
    if (r.literals < (best?.literals ?? -1)) continue;
    const params: Record<string, string> = {};
    if (!matchSegments(r.segments, parts, 0, 0, params)) continue;
    if (!best || r.literals > best.literals) best = { operation: r.operation, params, literals: r.literals };
  }
  if (!best) return undefined;
  const decoded: Record<string, string> = {};
  for (const [k, v] of Object.entries(best.params)) decoded[k] = safeDecode(v);
  return { operation: best.operation, params: decoded };
}

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/** Documentation link GitHub puts in error bodies for this operation. */
export function documentationUrl(op?: OpenApiOperation): string {
  return op?.externalDocs?.url ?? 'https://docs.github.com/rest';
}
