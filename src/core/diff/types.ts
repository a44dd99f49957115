// Result shapes of the diff. The JSON the CLI prints (`driftguard diff --output json`) is exactly
// DiffResult; keep field names stable and documented in the README.
import type { Operation } from 'fast-json-patch';
import type { SourceLocation } from '../model/object.ts';

export type DiffAction = 'create' | 'update' | 'delete' | 'none';

export interface ResourceDiff {
  group: string;
  version: string;
  kind: string;
  namespace: string; // '' for cluster-scoped
  name: string;
  action: DiffAction;
  /** true when action is not 'none'. */
  modified: boolean;
  /** RFC 6902 patch turning the normalized live object into the normalized desired one (Secret values masked). */
  patch: Operation[];
  /** Unified diff of the normalized YAML, `--- live` / `+++ desired`; '' when unmodified. Secret values masked. */
  diff: string;
  /** Where the desired object is defined, when known. */
  source?: SourceLocation;
}

export interface DiffSummary {
  create: number;
  update: number;
  delete: number;
  none: number;
  total: number;
}

export interface DiffResult {
  resources: ResourceDiff[];
  summary: DiffSummary;
}

/** Argo CD-style ignore rules, from app config. */
export interface IgnoreRule {
  group?: string; // '' = core; undefined = any; glob (`*`, `?`, `{a,b}`) as in Argo CD
  kind?: string; // undefined = any; glob as group
  name?: string;
  namespace?: string;
  jsonPointers?: string[];
  /** Fields owned (per managedFields) by these managers are ignored, e.g. ['kube-controller-manager']. */
  managedFieldsManagers?: string[];
}

export interface DiffOptions {
  /** Per-app ignore rules (JSON pointers, trusted managers). */
  ignore?: IgnoreRule[];
  /** Namespace for namespaced desired objects that set none. Default 'default', as kubectl. */
  defaultNamespace?: string;
  /** Discovery answer; undefined falls back to the built-in table of cluster-scoped kinds. */
  isNamespaced?: (group: string, kind: string) => boolean | undefined;
  /** Our server-side apply field manager. Default 'driftguard'. */
  fieldManager?: string;
  /** Live objects missing from desired are deletions only when owned by this app (ownership.ts). */
  appName?: string;
  /** Header names of the unified diff's two sides; default `live` / `desired`. A PR plan compares
   *  `base` with `head`, and the cluster with `base`, so it names them so. */
  labels?: { from: string; to: string };
}
