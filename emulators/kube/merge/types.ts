// The types server-side apply gives an object's fields, read from the emulator's own OpenAPI schemas
// (openapi-schemas.ts for built-ins, a CRD's structural schema for custom resources) the way the
// API server's type converter reads its OpenAPI models (kube-openapi schemaconv):
//  - a list is atomic unless `x-kubernetes-list-type` says `set` or `map` (with list-map-keys); a list
//    without list-type but with patch strategy `merge` is keyed by its patch-merge-key, or a set;
//  - an object is a struct (declared properties) or a map (additionalProperties), granular unless
//    `x-kubernetes-map-type: atomic`;
//  - anything the schema does not describe is "deduced": maps granular, lists atomic.
// No schema, no guess: a built-in kind without a schema is an error, not silently untyped.
import { builtinSchemas, type Schema } from '../openapi-schemas.ts';
import { goZeroFields } from './go-zero.ts';

export type Type = MapType | ListType | ScalarType | DeducedType;

export interface MapType {
  t: 'map';
  atomic: boolean;
  /** Declared fields (struct); undefined for a plain map. */
  field(name: string): Type | undefined;
  hasField(name: string): boolean;
  /** The type of keys that are not declared fields. */
  elem: Type;
  /** Fields Go serializes even when unset (value structs `{}`, non-omitempty nil slices/maps `null`). */
  zero?: Record<string, unknown>;
  /** Schema default of a declared field (list-map key defaults, e.g. protocol: TCP). */
  fieldDefault(name: string): unknown;
}

export interface ListType {
  t: 'list';
  rel: 'atomic' | 'set' | 'map';
  keys: string[];
  elem: Type;
  /** Strategic merge patch metadata. */
  patchMergeKey?: string;
  patchStrategy?: string;
}

export interface ScalarType { t: 'scalar' }
export interface DeducedType { t: 'deduced' }

export const DEDUCED: DeducedType = { t: 'deduced' };
const SCALAR: ScalarType = { t: 'scalar' };

type Components = Record<string, Schema>;
const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Types per schema object: schemas are cached by their producers, so each is converted once. */
const cache = new WeakMap<object, Type>();

function refName(s: Schema): string | undefined {
  const ref = (s.$ref ?? (Array.isArray(s.allOf) && s.allOf.length === 1 ? (s.allOf[0] as Schema).$ref : undefined)) as string | undefined;
  return ref?.replace('#/components/schemas/', '');
}

/** The type of `schema`, resolving $ref/allOf wrappers against `comps`; extensions on the wrapper win. */
export function typeOf(schema: Schema | undefined, comps: Components): Type {
  if (!isObj(schema)) return DEDUCED;
  const hit = cache.get(schema);
  if (hit) return hit;
  const name = refName(schema);
  let out: Type;
  if (name) {
    const target = comps[name];
    const own = Object.keys(schema).some((k) => k.startsWith('x-kubernetes-'));
    if (!target) out = DEDUCED;
    else if (own) out = convert({ ...target, ...schema, $ref: undefined, allOf: undefined }, comps, name);
    else {
      out = cache.get(target) ?? convert(target, comps, name);
      cache.set(target, out);
    }
  } else {
    out = convert(schema, comps, undefined);
  }
  cache.set(schema, out);
  return out;
}

function convert(s: Schema, comps: Components, name: string | undefined): Type {
  if (s['x-kubernetes-int-or-string'] || Array.isArray(s.oneOf) || ['string', 'integer', 'number', 'boolean'].includes(s.type as string)) return SCALAR;
  if (s.type === 'array' || s.items) return listType(s, comps);
  if (s.type === 'object' || s.properties || s.additionalProperties) return mapType(s, comps, name);
  return DEDUCED;
}

function listType(s: Schema, comps: Components): ListType {
  const listKind = s['x-kubernetes-list-type'] as string | undefined;
  const strategy = s['x-kubernetes-patch-strategy'] as string | undefined;
  const mergeKey = s['x-kubernetes-patch-merge-key'] as string | undefined;
  let rel: ListType['rel'] = 'atomic';
  let keys: string[] = [];
  if (listKind === 'map') { rel = 'map'; keys = (s['x-kubernetes-list-map-keys'] as string[] | undefined) ?? []; }
  else if (listKind === 'set') rel = 'set';
  else if (listKind === undefined && strategy?.split(',').includes('merge')) {
    if (mergeKey) { rel = 'map'; keys = [mergeKey]; } else rel = 'set';
  }
  let elem: Type | undefined;
  return {
    t: 'list', rel, keys,
    get elem() { return (elem ??= typeOf(s.items as Schema | undefined, comps)); },
    ...(mergeKey ? { patchMergeKey: mergeKey } : {}),
    ...(strategy ? { patchStrategy: strategy } : {}),
  };
}

function mapType(s: Schema, comps: Components, name: string | undefined): MapType {
  const props = isObj(s.properties) ? (s.properties as Record<string, Schema>) : undefined;
  const addl = s.additionalProperties;
  const fields = new Map<string, Type>();
  let elem: Type | undefined;
  return {
    t: 'map',
    atomic: s['x-kubernetes-map-type'] === 'atomic',
    field(n) {
      if (!props || !(n in props)) return undefined;
      let f = fields.get(n);
      if (!f) { f = typeOf(props[n], comps); fields.set(n, f); }
      return f;
    },
    hasField: (n) => !!props && n in props,
    get elem() { return (elem ??= isObj(addl) ? typeOf(addl as Schema, comps) : DEDUCED); },
    ...(name ? { zero: goZeroFields(name, s) } : {}),
    fieldDefault: (n) => (props?.[n] as Schema | undefined)?.default,
  };
}

/** The type of a declared field or map entry `key` of map type `t`. */
export function childOf(t: Type, key: string): Type {
  if (t.t !== 'map') return DEDUCED;
  return t.field(key) ?? t.elem;
}

const roots = new Map<string, Type>();

/** The root type of a built-in kind; throws when the emulator has no schema for it. */
export function builtinType(apiVersion: string, kind: string): Type {
  const key = `${apiVersion}/${kind}`;
  const hit = roots.get(key);
  if (hit) return hit;
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const comps = builtinSchemas(group, version, [kind]);
  const name = Object.keys(comps).find((n) => {
    const gvks = comps[n]!['x-kubernetes-group-version-kind'] as Array<{ kind: string }> | undefined;
    return gvks?.some((g) => g.kind === kind);
  });
  if (!name) throw new Error(`no OpenAPI schema for ${kind} (${apiVersion}): the emulator cannot type it for server-side apply`);
  const t = typeOf({ $ref: `#/components/schemas/${name}` }, comps);
  roots.set(key, t);
  return t;
}

/** The root type of a custom resource from its CRD version's structural schema (metadata typed as ObjectMeta). */
export function customResourceType(schema: Schema | undefined): Type {
  if (!schema) return DEDUCED;
  const hit = cache.get(schema);
  if (hit) return hit;
  const meta = builtinSchemas('', 'v1', ['ConfigMap']);
  const comps: Components = { ...meta, 'custom.root': { type: 'object', ...schema, properties: {
    ...((schema.properties as Record<string, Schema> | undefined) ?? {}),
    apiVersion: { type: 'string' }, kind: { type: 'string' },
    metadata: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
  } } };
  // no Go zero values: custom resources are unstructured
  const t = convert(comps['custom.root']!, comps, undefined);
  cache.set(schema, t);
  return t;
}

/** Resolves the root type of an object; the API passes one that knows custom resources. */
export type TypeResolver = (apiVersion: string, kind: string) => Type;
export const builtinTypes: TypeResolver = builtinType;
