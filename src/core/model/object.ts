// The shapes every layer shares. Pure types and tiny helpers; no I/O.

/** A Kubernetes object as plain JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  managedFields?: ManagedFieldsEntry[];
  ownerReferences?: Array<Record<string, unknown>>;
  finalizers?: string[];
  [field: string]: unknown;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: 'Apply' | 'Update';
  apiVersion?: string;
  time?: string;
  fieldsType?: 'FieldsV1';
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

/** Where an object came from: repo-relative file and 1-based line/column of its document. */
export interface SourceLocation {
  file: string;
  line: number;
  column?: number;
}

/** A field path inside an object: keys and list indexes, e.g. `['spec', 'template', 'spec', 'containers', 0]`. */
export type FieldPath = ReadonlyArray<string | number>;

/**
 * Where a field of a parsed object is written: the location of the deepest element of `path` that
 * exists in the source (the key of a mapping entry, the start of a list item), undefined when none does.
 */
export type FieldLocator = (path: FieldPath) => SourceLocation | undefined;

/** A desired object with its origin. */
export interface SourcedObject {
  object: KubeObject;
  source?: SourceLocation;
  /** Positions of the object's fields, when it was parsed from the file `source` names (plain YAML). */
  fields?: FieldLocator;
}

/** Identity of a resource: what makes two objects "the same" across desired and live. */
export interface ResourceKey {
  group: string; // '' for the core group
  kind: string;
  namespace: string; // '' for cluster-scoped
  name: string;
}

export interface GroupVersion {
  group: string;
  version: string;
}

export function parseApiVersion(apiVersion: string): GroupVersion {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function keyOf(obj: KubeObject, defaultNamespace = ''): ResourceKey {
  return {
    group: parseApiVersion(obj.apiVersion ?? '').group,
    kind: obj.kind,
    namespace: obj.metadata?.namespace ?? defaultNamespace,
    name: obj.metadata?.name ?? '',
  };
}

/** Stable string form, used as a map key: `group/Kind/namespace/name`. */
export function keyString(k: ResourceKey): string {
  return `${k.group}/${k.kind}/${k.namespace}/${k.name}`;
}

/** Human form: `Deployment web/api` or `ClusterRole admin`. */
export function displayKey(k: ResourceKey): string {
  return `${k.kind}${k.group ? `.${k.group}` : ''} ${k.namespace ? `${k.namespace}/` : ''}${k.name}`;
}

export function isKubeObject(value: unknown): value is KubeObject {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) &&
    typeof (value as KubeObject).apiVersion === 'string' &&
    typeof (value as KubeObject).kind === 'string'
  );
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };
