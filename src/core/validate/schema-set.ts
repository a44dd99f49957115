// The OpenAPI v3 schemas manifests are validated against: component schemas from the documents the
// API server serves at /openapi/v3/<api|apis/group>/<version> (or bundled ones in the same shape),
// indexed by the x-kubernetes-group-version-kind they declare, plus the openAPIV3Schema of every
// CRD version in the render (a CRD the pull request changes wins over the installed one).
import type { KubeObject } from '../model/object.ts';

export type Schema = Record<string, unknown>;

export interface OpenApiDocument {
  components?: { schemas?: Record<string, Schema> };
}

const REF_PREFIX = '#/components/schemas/';
const gvkKey = (group: string, version: string, kind: string) => `${group}/${version}/${kind}`;

/** A schema with the component name it came from (for messages: `io.k8s.api.core.v1.PodSpec` → "pod spec"). */
export interface Named {
  schema: Schema;
  name?: string;
}

export class SchemaSet {
  private readonly defs: Map<string, Schema>;
  private readonly roots: Map<string, string>;

  constructor(readonly source: string, docs: OpenApiDocument[] = [], base?: SchemaSet) {
    this.defs = new Map(base?.defs);
    this.roots = new Map(base?.roots);
    for (const d of docs) this.addDocument(d);
  }

  private addDocument(doc: OpenApiDocument): void {
    for (const [name, s] of Object.entries(doc.components?.schemas ?? {})) {
      this.defs.set(name, s);
      const gvks = s['x-kubernetes-group-version-kind'];
      if (!Array.isArray(gvks)) continue;
      for (const g of gvks as Array<{ group?: string; version?: string; kind?: string }>) {
        if (g.version && g.kind) this.roots.set(gvkKey(g.group ?? '', g.version, g.kind), name);
      }
    }
  }

  /** A copy with the custom resource schemas of these CRD objects added (replacing installed ones). */
  withCrds(crds: KubeObject[]): SchemaSet {
    if (crds.length === 0) return this;
    const out = new SchemaSet(this.source, [], this);
    for (const crd of crds) {
      const spec = (crd.spec ?? {}) as { group?: string; names?: { kind?: string }; versions?: Array<{ name?: string; schema?: { openAPIV3Schema?: Schema } }> };
      const kind = spec.names?.kind;
      if (!spec.group || !kind) continue;
      for (const v of spec.versions ?? []) {
        const s = v.schema?.openAPIV3Schema;
        if (!v.name || !s) continue;
        const name = `${spec.group}/${v.name}/${kind}`;
        out.defs.set(name, { ...s, 'x-driftguard-crd': true });
        out.roots.set(gvkKey(spec.group, v.name, kind), name);
      }
    }
    return out;
  }

  has(group: string, version: string, kind: string): boolean {
    return this.roots.has(gvkKey(group, version, kind));
  }

  root(group: string, version: string, kind: string): Named | undefined {
    const name = this.roots.get(gvkKey(group, version, kind));
    const schema = name ? this.defs.get(name) : undefined;
    return schema ? { schema, name } : undefined;
  }

  /** Follows `$ref` and the `allOf: [{$ref}]` wrapping the API server puts around described references. */
  resolve(s: Schema, name?: string): Named {
    let cur: Named = { schema: s, ...(name ? { name } : {}) };
    for (let hops = 0; hops < 32; hops++) {
      const ref = cur.schema.$ref;
      const allOf = cur.schema.allOf;
      if (typeof ref === 'string' && ref.startsWith(REF_PREFIX)) {
        const n = ref.slice(REF_PREFIX.length);
        const target = this.defs.get(n);
        if (!target) return { schema: {} }; // a dangling reference checks nothing rather than everything
        cur = { schema: target, name: n };
      } else if (Array.isArray(allOf) && allOf.length === 1 && !cur.schema.properties && !cur.schema.type) {
        cur = { schema: allOf[0] as Schema, ...(cur.name ? { name: cur.name } : {}) };
      } else break;
    }
    return cur;
  }
}
