// Structural-schema handling of custom resources, as the apiextensions apiserver does it on write:
// defaults from `default:` are filled in, and fields the schema does not declare are found (to be
// pruned, or rejected under Strict / server-side apply) unless x-kubernetes-preserve-unknown-fields.
type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface UndeclaredField { path: string; ssaPath: string; drop(): void }

/** The openAPIV3Schema of `version` in a CRD, or undefined. */
export function crdVersionSchema(crd: Obj | undefined, version: string): Obj | undefined {
  const v = (crd?.spec?.versions ?? []).find((x: Obj) => x.name === version);
  return v?.schema?.openAPIV3Schema;
}

/** Applies schema defaults in place, then returns the undeclared fields. */
export function walkCustomResource(obj: Obj, schema: Obj | undefined): UndeclaredField[] {
  if (!schema) return [];
  const out: UndeclaredField[] = [];
  const walk = (value: unknown, s: Obj | undefined, path: string, ssa: string, root = false): void => {
    if (!s) return;
    if (isObj(value)) {
      const props: Obj = s.properties ?? {};
      for (const [k, ps] of Object.entries(props)) {
        if (value[k] === undefined && (ps as Obj).default !== undefined) value[k] = JSON.parse(JSON.stringify((ps as Obj).default));
      }
      const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
      const embedded = s['x-kubernetes-embedded-resource'] === true;
      for (const k of Object.keys(value)) {
        const p = path ? `${path}.${k}` : k;
        if (root && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) continue;
        if (embedded && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) continue;
        if (k in props) walk(value[k], props[k], p, `${ssa}.${k}`);
        else if (isObj(s.additionalProperties)) walk(value[k], s.additionalProperties, p, `${ssa}.${k}`);
        else if (s.additionalProperties === true || preserve) continue;
        else out.push({ path: p, ssaPath: `${ssa}.${k}`, drop: () => { delete value[k]; } });
      }
    } else if (Array.isArray(value) && s.items) {
      value.forEach((item, i) => walk(item, s.items, `${path}[${i}]`, `${ssa}[${i}]`));
    }
  };
  walk(obj, schema, '', '', true);
  return out;
}
