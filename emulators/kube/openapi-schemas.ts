// The emulator's own schema builder: Driftguard's validator has a similar one in
// src/kube/bundled-openapi.ts, deliberately not shared — the emulator runs none of the product's code
// (test/emulators/kube/independence.test.ts), so the two are checked against each other and against a
// real API server instead of agreeing by construction.
// OpenAPI v3 component schemas for built-in kinds, generated on demand from the type declarations the
// `kubernetes-models` package ships (Kubernetes 1.27 types; one .d.ts per API type: field names, JSDoc descriptions taken
// from the Kubernetes OpenAPI, optional marks, enum unions, references) plus its compiled validators
// (integer vs number). What kubectl reads is kept: descriptions, types, $ref/allOf, enums, required,
// x-kubernetes-group-version-kind, and the patch metadata kubectl's strategic merge patch uses
// (x-kubernetes-patch-merge-key/-strategy, list types), which kubernetes-models does not carry.
// Parsed types are cached for the life of the process; nothing is read until a document is asked for.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

export type Schema = Record<string, unknown>;

const require = createRequire(import.meta.url);
let roots: { models: string; apimachinery: string } | undefined;
function packageRoots(): { models: string; apimachinery: string } | undefined {
  if (roots) return roots;
  try {
    const models = dirname(require.resolve('kubernetes-models/package.json'));
    let apimachinery: string;
    try { apimachinery = dirname(require.resolve('@kubernetes-models/apimachinery/package.json')); } catch {
      apimachinery = dirname(createRequire(join(models, 'package.json')).resolve('@kubernetes-models/apimachinery/package.json'));
    }
    roots = { models, apimachinery };
  } catch {
    return undefined; // package absent: documents carry no schemas (and SSA refuses built-ins: merge/types.ts)
  }
  return roots;
}

const TYPE_META: Record<string, string> = {
  apiVersion: 'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
  kind: 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
};

/**
 * Patch and apply metadata per schema property, from the k8s.io/api struct tags and markers
 * (`patchMergeKey`/`patchStrategy`, `+listType`/`+listMapKey`, `+mapType=atomic`, `+default`), which
 * kubernetes-models does not carry. kubectl's strategic merge patch reads them from the documents,
 * and the emulator's own server-side apply types objects with them (merge/types.ts), as the API
 * server's type converter does with its OpenAPI models.
 */
const MERGE = (key: string, mapKeys = [key], strategy = 'merge') => ({
  'x-kubernetes-patch-merge-key': key, 'x-kubernetes-patch-strategy': strategy, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': mapKeys,
});
const MAP_LIST = (...keys: string[]) => ({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': keys });
const SET = { 'x-kubernetes-list-type': 'set' };
const ATOMIC_MAP = { 'x-kubernetes-map-type': 'atomic' };
const CONTAINER_LISTS = {
  ports: MERGE('containerPort', ['containerPort', 'protocol']), env: MERGE('name'), volumeMounts: MERGE('mountPath'),
  volumeDevices: MERGE('devicePath'),
};
const PATCH_META: Record<string, Record<string, Schema>> = {
  'io.k8s.api.core.v1.Container': CONTAINER_LISTS,
  'io.k8s.api.core.v1.EphemeralContainer': CONTAINER_LISTS,
  'io.k8s.api.core.v1.ContainerPort': { protocol: { default: 'TCP' } },
  'io.k8s.api.core.v1.ServicePort': { protocol: { default: 'TCP' } },
  'io.k8s.api.core.v1.ResourceRequirements': { claims: MAP_LIST('name') },
  'io.k8s.api.core.v1.PodSpec': {
    containers: MERGE('name'), initContainers: MERGE('name'), ephemeralContainers: MERGE('name'),
    volumes: MERGE('name', ['name'], 'merge,retainKeys'), imagePullSecrets: MERGE('name'), hostAliases: MERGE('ip'),
    topologySpreadConstraints: MERGE('topologyKey', ['topologyKey', 'whenUnsatisfiable']), resourceClaims: MERGE('name', ['name'], 'merge,retainKeys'),
    schedulingGates: MERGE('name'), nodeSelector: ATOMIC_MAP,
  },
  'io.k8s.api.core.v1.PodStatus': { podIPs: MERGE('ip'), hostIPs: { 'x-kubernetes-patch-merge-key': 'ip', 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'atomic' } },
  'io.k8s.api.core.v1.ServiceSpec': { ports: MERGE('port', ['port', 'protocol']), selector: ATOMIC_MAP },
  'io.k8s.api.core.v1.ReplicationControllerSpec': { selector: ATOMIC_MAP },
  'io.k8s.api.core.v1.ServiceAccount': { secrets: MERGE('name') },
  'io.k8s.api.core.v1.NodeSpec': { podCIDRs: { ...SET, 'x-kubernetes-patch-strategy': 'merge' } },
  'io.k8s.api.core.v1.NodeStatus': { addresses: MERGE('type') },
  'io.k8s.api.apps.v1.DeploymentSpec': { strategy: { 'x-kubernetes-patch-strategy': 'retainKeys' } },
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
    ownerReferences: MERGE('uid'), finalizers: { 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' },
  },
  'io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration': { webhooks: MERGE('name') },
  'io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration': { webhooks: MERGE('name') },
  'io.k8s.api.admissionregistration.v1.MutatingWebhook': { matchConditions: MERGE('name') },
  'io.k8s.api.admissionregistration.v1.ValidatingWebhook': { matchConditions: MERGE('name') },
};

/** Types marked `+structType=atomic` in k8s.io/api and apimachinery: owned and replaced as a whole. */
const ATOMIC_TYPES = new Set([
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector', 'io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference',
  ...['SecretReference', 'FileKeySelector', 'ObjectFieldSelector', 'ResourceFieldSelector', 'ConfigMapKeySelector', 'SecretKeySelector',
    'NodeSelector', 'NodeSelectorTerm', 'TopologySelectorTerm', 'EndpointAddress', 'EndpointPort', 'ObjectReference',
    'LocalObjectReference', 'TypedLocalObjectReference', 'ScopeSelector'].map((t) => `io.k8s.api.core.v1.${t}`),
  'io.k8s.api.networking.v1.ServiceBackendPort', 'io.k8s.api.rbac.v1.Subject', 'io.k8s.api.rbac.v1.RoleRef',
  'io.k8s.api.autoscaling.v1.CrossVersionObjectReference', 'io.k8s.api.discovery.v1.EndpointPort',
  ...['ParamKind', 'Variable', 'ParamRef', 'MatchResources', 'NamedRuleWithOperations'].map((t) => `io.k8s.api.admissionregistration.v1.${t}`),
]);

/** Special scalar types, as the API server's v3 documents define them. */
const SCALARS: Record<string, Schema> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { 'x-kubernetes-int-or-string': true, format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { oneOf: [{ type: 'string' }, { type: 'number' }] },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { type: 'string', format: 'date-time' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': { type: 'string', format: 'date-time' },
};

/** `IoK8sApiAppsV1` + `Deployment` → `io.k8s.api.apps.v1.Deployment`. */
function schemaName(alias: string, local: string): string {
  const prefix = alias.slice(0, alias.length - local.length);
  let dotted = prefix.split(/(?=[A-Z])/).map((s) => s.toLowerCase()).join('.');
  dotted = dotted.replace(/^io\.k8s\.apiextensions\.apiserver\./, 'io.k8s.apiextensions-apiserver.').replace(/^io\.k8s\.kube\.aggregator\./, 'io.k8s.kube-aggregator.');
  return `${dotted}.${local}`;
}

interface Parsed { name: string; schema: Schema; refs: string[] }
const byFile = new Map<string, Parsed | null>();
const byName = new Map<string, Parsed>();

function resolveImport(fromFile: string, spec: string): string | undefined {
  const r = packageRoots();
  if (!r) return undefined;
  let base: string;
  if (spec.startsWith('.')) base = resolve(dirname(fromFile), spec);
  else if (spec.startsWith('@kubernetes-models/apimachinery/')) base = join(r.apimachinery, spec.slice('@kubernetes-models/apimachinery/'.length));
  else if (spec.startsWith('kubernetes-models/')) base = join(r.models, spec.slice('kubernetes-models/'.length));
  else return undefined;
  return `${base}.d.ts`;
}

function docText(comment: string): string {
  return comment.split('\n').map((l) => l.replace(/^\s*\*\s?/, '')).join('\n').replace(/\\\*/g, '*').trim();
}

/** Integer-typed properties, read from the compiled validator next to the declarations. */
function integerProps(dtsFile: string, alias: string): Set<string> {
  const out = new Set<string>();
  const r = packageRoots();
  if (!r) return out;
  const pkgRoot = dtsFile.startsWith(r.apimachinery) ? r.apimachinery : r.models;
  const file = join(pkgRoot, '_schemas', `${alias.replace(/^I/, '')}.mjs`);
  if (!existsSync(file)) return out;
  const js = readFileSync(file, 'utf8');
  const fns = new Map<string, string>();
  for (const m of js.matchAll(/function (validate\d+)\(/g)) {
    const start = m.index!;
    const next = js.indexOf('function validate', start + 10);
    fns.set(m[1]!, js.slice(start, next < 0 ? undefined : next));
  }
  for (const m of js.matchAll(/void 0===data(?:\.([A-Za-z_$][\w$]*)|\["([^"]+)"\])\|\|(validate\d+)\(/g)) {
    const body = fns.get(m[3]!);
    if (body && /type:"integer"/.test(body)) out.add(m[1] ?? m[2]!);
  }
  return out;
}

interface Ctx { imports: Map<string, string>; file: string; refs: Set<string>; self: { local: string; name: string } }

function typeSchema(t: string, ctx: Ctx, integer: boolean): Schema {
  t = t.trim();
  let m: RegExpExecArray | null;
  if ((m = /^Array<([\s\S]+)>$/.exec(t))) return { type: 'array', items: typeSchema(m[1]!, ctx, integer) };
  if ((m = /^\{\s*\[key: string\]:\s*([\s\S]+?);?\s*\}$/.exec(t))) return { type: 'object', additionalProperties: typeSchema(m[1]!, ctx, integer) };
  if (t === 'string') return { type: 'string' };
  if (t === 'number') return integer ? { type: 'integer', format: 'int32' } : { type: 'number' };
  if (t === 'boolean') return { type: 'boolean' };
  if (/^"[^"]*"(\s*\|\s*"[^"]*")*$/.test(t)) return { type: 'string', enum: [...t.matchAll(/"([^"]*)"/g)].map((x) => x[1]!) };
  if (t === ctx.self.local || t === `I${ctx.self.local}`) { ctx.refs.add(ctx.self.name); return { $ref: `#/components/schemas/${ctx.self.name}` }; }
  const spec = ctx.imports.get(t);
  if (spec) {
    const target = resolveImport(ctx.file, spec);
    const parsed = target ? parseFile(target) : undefined;
    if (parsed) { ctx.refs.add(parsed.name); return { $ref: `#/components/schemas/${parsed.name}` }; }
  }
  return {};
}

/** Parses one generated declaration file into a schema (cached). */
function parseFile(file: string): Parsed | undefined {
  if (byFile.has(file)) return byFile.get(file) ?? undefined;
  byFile.set(file, null); // cycles resolve to a $ref, which needs only the name: set below before recursing
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const exp = /export \{ (\w+) as (\w+)/.exec(text);
  if (!exp) return undefined;
  const local = exp[1]!.replace(/^I/, '');
  const alias = exp[2]!;
  const name = schemaName(alias.replace(/^I/, ''), local);
  const parsed: Parsed = { name, schema: {}, refs: [] };
  byFile.set(file, parsed);
  byName.set(name, parsed);
  if (SCALARS[name]) { parsed.schema = { ...SCALARS[name] }; }
  const imports = new Map<string, string>();
  for (const m of text.matchAll(/import \{ (\w+) \} from "([^"]+)";/g)) imports.set(m[1]!, m[2]!);
  const topDoc = /\/\*\*([\s\S]*?)\*\/\s*export (?:interface|declare type)/.exec(text);
  const description = topDoc ? docText(topDoc[1]!) : '';
  if (description) parsed.schema.description = description;
  if (SCALARS[name]) return parsed;
  const alias1 = /export declare type I\w+ = ([^;]+);/.exec(text);
  const iface = /export interface I\w+(?: extends [\w, ]+)? \{\n([\s\S]*?)\n\}/.exec(text);
  if (!iface) {
    if (alias1?.[1]?.trim() === 'string') parsed.schema.type = 'string';
    return parsed;
  }
  const ints = integerProps(file, alias);
  const ctx: Ctx = { imports, file, refs: new Set(), self: { local, name } };
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  const body = iface[1]!;
  const propRe = /(?:\/\*\*([\s\S]*?)\*\/\s*)?"([^"]+)"(\?)?:\s*/g;
  let m: RegExpExecArray | null;
  while ((m = propRe.exec(body))) {
    // The type runs to the `;` at nesting depth 0.
    let depth = 0;
    let i = propRe.lastIndex;
    for (; i < body.length; i++) {
      const c = body[i]!;
      if (c === '{' || c === '<' || c === '(') depth++;
      else if (c === '}' || c === '>' || c === ')') depth--;
      else if (c === ';' && depth === 0) break;
    }
    const type = body.slice(propRe.lastIndex, i);
    propRe.lastIndex = i + 1;
    const prop = m[2]!;
    const topLevelMeta = (prop === 'apiVersion' || prop === 'kind') && /extends TypeMeta/.test(iface[0]);
    let s = topLevelMeta ? { type: 'string' } : typeSchema(type, ctx, ints.has(prop));
    const doc = m[1] ? docText(m[1]) : topLevelMeta ? TYPE_META[prop] : '';
    // A described reference is wrapped in allOf, as in the API server's documents.
    if (s.$ref) s = doc ? { allOf: [s], description: doc } : { allOf: [s] };
    else if (doc) s = { description: doc, ...s };
    Object.assign(s, PATCH_META[name]?.[prop] ?? {});
    if (/Status$/.test(name) && prop === 'conditions' && s.type === 'array') Object.assign(s, MERGE('type'));
    properties[prop] = s;
    if (!m[3] && !topLevelMeta) required.push(prop);
  }
  parsed.schema.type = 'object';
  parsed.schema.properties = properties;
  if (ATOMIC_TYPES.has(name)) parsed.schema['x-kubernetes-map-type'] = 'atomic';
  if (required.length) parsed.schema.required = required;
  parsed.refs = [...ctx.refs];
  return parsed;
}

/** The declaration file of a built-in kind: kubernetes-models/<group or v1>/<version>/<Kind>.d.ts. */
function kindFile(group: string, version: string, kind: string): string | undefined {
  const r = packageRoots();
  if (!r) return undefined;
  const f = group ? join(r.models, group, version, `${kind}.d.ts`) : join(r.models, version, `${kind}.d.ts`);
  return existsSync(f) ? f : undefined;
}

/**
 * Component schemas for the given kinds of one group-version: each kind's schema (with its
 * x-kubernetes-group-version-kind) and every schema it references, transitively.
 */
export function builtinSchemas(group: string, version: string, kinds: string[]): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  const queue: string[] = [];
  for (const kind of kinds) {
    const f = kindFile(group, version, kind);
    const p = f ? parseFile(f) : undefined;
    if (!p) continue;
    out[p.name] = { ...p.schema, 'x-kubernetes-group-version-kind': [{ group, kind, version }] };
    queue.push(...p.refs);
  }
  while (queue.length) {
    const n = queue.pop()!;
    if (out[n]) continue;
    const p = byName.get(n);
    if (!p) continue;
    out[n] = p.schema;
    queue.push(...p.refs);
  }
  return out;
}
