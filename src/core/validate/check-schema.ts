// Structural validation of one object against its OpenAPI v3 schema, the way the API server decodes
// it with strict field validation (kubectl's default): unknown fields, wrong types, missing required
// fields and values outside an enum. A walker rather than ajv because Kubernetes schemas carry their
// own extensions (int-or-string, preserve-unknown-fields, embedded resources, Quantity) and because a
// useful message needs the neighbourhood of the mistake: a field one level up or down, a near-miss
// spelling. Values are never quoted except enum misses (Secret data must not reach a report).
import type { FieldPath } from '../model/object.ts';
import type { Named, Schema, SchemaSet } from './schema-set.ts';

export type SchemaIssueKind = 'unknown-field' | 'type' | 'required' | 'enum';

export interface SchemaIssue {
  kind: SchemaIssueKind;
  path: FieldPath;
  message: string;
}

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
/** Free-form JSON in the API (CRD schema values, raw extensions): anything goes. */
const ANY_JSON = /^io\.k8s\.(apiextensions-apiserver\.pkg\.apis\.apiextensions\.v1\.(JSON|JSONSchemaPropsOr\w+)|apimachinery\.pkg\.runtime\.RawExtension)$/;

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `io.k8s.api.core.v1.PodSpec` → "pod spec"; `apps/v1/Widget` (a CRD) → "Widget". */
export function humanName(n: Named, fallbackKind?: string): string | undefined {
  if (!n.name) return fallbackKind;
  const last = n.name.split(/[./]/).pop()!;
  if (n.schema['x-driftguard-crd']) return last;
  return last.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').toLowerCase();
}

function typeOf(v: Json): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return 'a string';
}

const TYPE_WORDS: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'a boolean (true/false)' };

function matchesType(v: Json, t: string): boolean {
  switch (t) {
    case 'object': return isObject(v);
    case 'array': return Array.isArray(v);
    case 'string': return typeof v === 'string';
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'number': return typeof v === 'number';
    case 'boolean': return typeof v === 'boolean';
    default: return true;
  }
}

function display(path: FieldPath): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out || '(top level)';
}

/** Levenshtein distance, capped: only near misses matter. */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

interface Frame {
  schema: Named;
  value: Record<string, Json>;
  path: FieldPath;
}

export class SchemaChecker {
  constructor(private readonly set: SchemaSet) {}

  check(obj: Record<string, Json>, root: Named, kind: string): SchemaIssue[] {
    const issues: SchemaIssue[] = [];
    this.walk(obj, root, [], issues, [], kind);
    return issues;
  }

  private props(n: Named): Record<string, Schema> | undefined {
    return n.schema.properties as Record<string, Schema> | undefined;
  }

  private walk(v: Json, n0: Named, path: FieldPath, issues: SchemaIssue[], parents: Frame[], kind?: string): void {
    if (v === null || v === undefined) return; // an explicit null is "unset" to the API server
    const n = this.set.resolve(n0.schema, n0.name);
    const s = n.schema;
    if (s['x-kubernetes-int-or-string'] === true || s.format === 'int-or-string' || n.name === INT_OR_STRING) {
      if (!(typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)))) {
        issues.push({ kind: 'type', path, message: `\`${display(path)}\` must be an integer or a string, not ${typeOf(v)}` });
      }
      return;
    }
    if (n.name && ANY_JSON.test(n.name)) return;
    if (n.name === QUANTITY) {
      if (!(typeof v === 'string' || typeof v === 'number')) issues.push({ kind: 'type', path, message: `\`${display(path)}\` must be a quantity (e.g. \`500m\`, \`1Gi\`), not ${typeOf(v)}` });
      return;
    }
    const alternatives = (s.oneOf ?? s.anyOf) as Schema[] | undefined;
    if (Array.isArray(alternatives) && !s.type && !s.properties) {
      const types = alternatives.map((a) => this.set.resolve(a).schema.type).filter((t): t is string => typeof t === 'string');
      if (types.length === alternatives.length && !types.some((t) => matchesType(v, t))) {
        issues.push({ kind: 'type', path, message: `\`${display(path)}\` must be ${types.map((t) => TYPE_WORDS[t] ?? t).join(' or ')}, not ${typeOf(v)}` });
      }
      return;
    }
    const props = this.props(n);
    const type = typeof s.type === 'string' ? s.type : props ? 'object' : undefined;
    const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
    if (!type) return; // no structural information: anything goes
    if (!matchesType(v, type)) {
      const what = humanName(n, kind);
      issues.push({ kind: 'type', path, message: `\`${display(path)}\` must be ${TYPE_WORDS[type] ?? type}${type === 'object' && what ? ` (a ${what})` : ''}, not ${typeOf(v)}` });
      return;
    }
    if (Array.isArray(s.enum) && (typeof v === 'string' || typeof v === 'number') && !s.enum.includes(v)) {
      const shown = String(v).length > 60 ? `${String(v).slice(0, 57)}…` : String(v);
      issues.push({ kind: 'enum', path, message: `\`${display(path)}\` must be one of ${s.enum.map((e) => `\`${String(e)}\``).join(', ')}; got \`${shown}\`` });
      return;
    }
    if (type === 'array') {
      const items = s.items as Schema | undefined;
      if (items) (v as Json[]).forEach((item, i) => this.walk(item, { schema: items }, [...path, i], issues, parents));
      return;
    }
    if (type !== 'object') return;
    const obj = v as Record<string, Json>;
    const frame: Frame = { schema: n, value: obj, path };
    const embedded = s['x-kubernetes-embedded-resource'] === true || path.length === 0;
    const extra = s.additionalProperties;
    for (const [key, child] of Object.entries(obj)) {
      const ps = props?.[key];
      if (ps) {
        this.walk(child, { schema: ps }, [...path, key], issues, [...parents, frame]);
      } else if (typeof extra === 'object' && extra !== null) {
        this.walk(child, { schema: extra as Schema }, [...path, key], issues, [...parents, frame]);
      } else if (extra === true || preserve || !props) {
        continue;
      } else if (embedded && (key === 'apiVersion' || key === 'kind' || key === 'metadata' || (path.length === 0 && key === 'status'))) {
        continue;
      } else {
        issues.push({ kind: 'unknown-field', path: [...path, key], message: this.unknownMessage(key, frame, parents, kind) });
      }
    }
    for (const r of (Array.isArray(s.required) ? s.required : []) as string[]) {
      if (obj[r] === undefined || obj[r] === null) {
        const what = humanName(n, kind);
        issues.push({ kind: 'required', path, message: `\`${r}\` is required in ${what ? `a ${what}` : 'this object'}${path.length ? ` (\`${display(path)}\`)` : ''} but is missing` });
      }
    }
  }

  /** "`ports` is not a field of a pod spec (`spec.template.spec`); did you mean it under `containers[0]`?" */
  private unknownMessage(key: string, frame: Frame, parents: Frame[], kind?: string): string {
    const what = humanName(frame.schema, kind);
    const where = frame.path.length ? ` (\`${display(frame.path)}\`)` : '';
    const head = `\`${key}\` is not a field of ${what ? `a ${what}` : 'this object'}${where}`;
    const props = this.props(frame.schema) ?? {};
    // One level down: a child field (or the items of a child list) that has `key`.
    const down: string[] = [];
    const keys = Object.keys(frame.value);
    const before = keys.slice(0, keys.indexOf(key)).reverse();
    for (const [p, ps] of Object.entries(props)) {
      const child = this.set.resolve(ps);
      const isList = child.schema.type === 'array' && child.schema.items;
      const target = isList ? this.set.resolve(child.schema.items as Schema) : child;
      if (!this.props(target)?.[key]) continue;
      const present = frame.value[p];
      const index = isList ? `[${Array.isArray(present) && present.length > 0 ? present.length - 1 : 0}]` : '';
      down.push(`${p}${index}`);
    }
    if (down.length) {
      // Prefer the field written closest above the stray key: that is where it was meant to go.
      const pick = before.map((b) => down.find((d) => d === b || d.startsWith(`${b}[`))).find(Boolean) ?? down[0]!;
      return `${head}; did you mean it under \`${pick}\`?`;
    }
    const parent = parents[parents.length - 1];
    if (parent && this.props(parent.schema)?.[key] && parent.value[key] === undefined) {
      return `${head}; did you mean it one level up, ${parent.path.length ? `in \`${display(parent.path)}\`` : 'at the top level'}?`;
    }
    const near = Object.keys(props).filter((p) => distance(p, key) <= (key.length > 4 ? 2 : 1)).sort((a, b) => distance(a, key) - distance(b, key));
    if (near.length) return `${head}; did you mean \`${near[0]}\`?`;
    return head;
  }
}
