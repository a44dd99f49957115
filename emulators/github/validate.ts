// Request and response validation against the OpenAPI schemas, compiled lazily with ajv and cached per operation.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';
import { openApiDocument, resolveRef, type Operation } from './spec.ts';

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? addFormatsModule) as FormatsPlugin;

const SPEC_ID = 'github-openapi';

function makeAjv(coerceTypes: boolean) {
  const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes, validateFormats: true, discriminator: false });
  addFormats(ajv);
  // Formats GitHub's description uses beyond JSON Schema's: accept them, they carry no constraint we check.
  for (const f of ['uri-template', 'int64', 'int32', 'double', 'repo.nwo', 'binary']) ajv.addFormat(f, true);
  const c = openApiDocument().components;
  ajv.addSchema(rebase({ $id: SPEC_ID, components: { schemas: c.schemas, parameters: c.parameters, responses: c.responses } }) as object);
  return ajv;
}

let bodyAjv: Ajv | undefined;
let paramAjv: Ajv | undefined;

/**
 * Deep copy for ajv: `#/components/...` refs point at the registered description, and OpenAPI 3.0's
 * `nullable` becomes JSON Schema (`type: [t, 'null']`, or `anyOf [..., null]` where there is no type).
 */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'nullable') continue;
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${SPEC_ID}${v}` : k === 'example' || k === 'examples' ? undefined : rebase(v);
  }
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  if ((schema as { nullable?: boolean }).nullable !== true) return out;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

export interface ValidationIssue {
  field: string;
  code: 'missing_field' | 'invalid';
  message: string;
}

interface Compiled {
  params: ValidateFunction;
  body?: ValidateFunction;
  bodyRequired: boolean;
  responses: Map<string, ValidateFunction | null>;
}
const cache = new Map<Operation, Compiled>();

function compiled(operation: Operation): Compiled {
  let c = cache.get(operation);
  if (c) return c;
  bodyAjv ??= makeAjv(false);
  paramAjv ??= makeAjv(true);
  const props: Record<string, Record<string, unknown>> = { path: {}, query: {}, header: {} };
  const required: Record<string, string[]> = { path: [], query: [], header: [] };
  for (const p of operation.parameters) {
    if (!(p.in in props)) continue;
    const name = p.in === 'header' ? p.name.toLowerCase() : p.name;
    props[p.in][name] = rebase(p.schema ?? {}) as Record<string, unknown>;
    if (p.required) required[p.in].push(name);
  }
  const group = (k: string) => ({ type: 'object', properties: props[k], required: required[k] });
  const params = paramAjv.compile({ type: 'object', properties: { path: group('path'), query: group('query'), header: group('header') } });
  const rb = operation.op.requestBody ? resolveRef(operation.op.requestBody) : undefined;
  const bodySchema = rb?.content?.['application/json']?.schema ?? Object.values(rb?.content ?? {})[0]?.schema;
  c = { params, body: bodySchema ? bodyAjv.compile(rebase(bodySchema) as object) : undefined, bodyRequired: !!rb?.required, responses: new Map() };
  cache.set(operation, c);
  return c;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 100)}…` : text;
}

/** GitHub-style wording: `For 'properties/status', "done" is not a member of ["queued", ...].` */
function toIssues(errors: ErrorObject[] | null | undefined, root: unknown, prefix: string): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const e of errors ?? []) {
    const ptr = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const value = ptr.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], root);
    const where = [prefix, ...ptr].filter(Boolean).join('/');
    if (e.keyword === 'required') {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      out.push({ field: [where, missing].filter(Boolean).join('/'), code: 'missing_field', message: `"${missing}" wasn't supplied.` });
    } else if (e.keyword === 'enum') {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      out.push({ field: where, code: 'invalid', message: `For '${where}', ${describe(value)} is not a member of [${allowed.map((a) => JSON.stringify(a)).join(', ')}].` });
    } else if (e.keyword === 'type') {
      out.push({ field: where, code: 'invalid', message: `For '${where}', ${describe(value)} is not ${article((e.params as { type: string }).type)}.` });
    } else if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if') {
      continue; // the branch errors above say more
    } else {
      out.push({ field: where, code: 'invalid', message: `For '${where}', ${describe(value)} ${e.message ?? 'is invalid'}.` });
    }
  }
  return dedupe(out);
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => (seen.has(i.message) ? false : (seen.add(i.message), true)));
}

export interface RequestParts {
  path: Record<string, string>;
  query: Record<string, string | string[]>;
  header: Record<string, string>;
}

/** Validates and coerces path/query/header parameters in place; returns the issues (empty when valid). */
export function validateParameters(operation: Operation, parts: RequestParts): ValidationIssue[] {
  const c = compiled(operation);
  if (c.params(parts)) return [];
  return toIssues(c.params.errors, parts, '').map((i) => ({ ...i, field: i.field.replace(/^(path|query|header)\//, '') }));
}

/** Validates a JSON request body; `undefined` means no body was sent. */
export function validateBody(operation: Operation, body: unknown): ValidationIssue[] {
  const c = compiled(operation);
  if (body === undefined) return c.bodyRequired && c.body ? [{ field: '', code: 'missing_field', message: 'Body is required.' }] : [];
  if (!c.body) return [];
  if (c.body(body)) return [];
  return toIssues(c.body.errors, body, 'properties');
}

/** Validates one of our own responses against the description's schema for its status (JSON bodies only). */
export function validateResponse(operation: Operation, status: number, body: unknown): ValidationIssue[] {
  const c = compiled(operation);
  const key = String(status);
  if (!c.responses.has(key)) {
    const r = operation.op.responses[key] ?? operation.op.responses.default;
    if (!r) return [{ field: '', code: 'invalid', message: `status ${status} is not a documented response of ${operation.op.operationId}` }];
    const content = resolveRef(r).content;
    const schema = content?.['application/json']?.schema ?? Object.entries(content ?? {}).find(([t]) => t.includes('json'))?.[1]?.schema;
    c.responses.set(key, schema ? bodyAjv!.compile(rebase(schema) as object) : null);
  }
  const v = c.responses.get(key);
  if (!v || body === undefined) return [];
  if (v(body)) return [];
  return (v.errors ?? []).slice(0, 20).map((e) => ({ field: e.instancePath, code: 'invalid' as const, message: `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}` }));
}
