// One resource: normalize desired and live, decide the action, and build patch + unified diff.
import fjp from 'fast-json-patch';
import { DriftguardError } from '../errors.ts';
import { parseApiVersion, type KubeObject, type SourcedObject } from '../model/object.ts';
import { FIELD_MANAGER } from '../ownership.ts';
import { parsePointer, withoutPath } from '../normalize/json-pointer.ts';
import { fieldsOfManagers, ownedFields } from '../normalize/owned-fields.ts';
import { LAST_APPLIED, project } from '../normalize/project.ts';
import { isBuiltinGroup, isClusterScopedBuiltin } from '../normalize/scope.ts';
import { canonicalByteMaps } from '../normalize/byte-maps.ts';
import { withoutAggregatedRules } from '../normalize/aggregated-roles.ts';
import { isSecret, maskSecretValues, mergeStringData } from '../normalize/secret.ts';
import { deepEqual, isPlainObject, pruneNulls } from '../normalize/values.ts';
import { toYaml, unifiedDiff } from './render-diff.ts';
import { globMatch } from './glob-match.ts';
import type { DiffAction, DiffOptions, IgnoreRule, ResourceDiff } from './types.ts';

const { compare } = fjp;

/** Metadata the API server owns; never part of what we compare or show. */
const SERVER_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];

export function isNamespacedKind(group: string, kind: string, opts?: DiffOptions): boolean {
  return opts?.isNamespaced?.(group, kind) ?? !isClusterScopedBuiltin(group, kind);
}

export function diffResource(desired: SourcedObject | undefined, live: KubeObject | undefined, opts: DiffOptions = {}): ResourceDiff {
  const dObj = desired?.object;
  const ref = dObj ?? live;
  if (!ref) throw new DriftguardError('USAGE', 'diffResource needs a desired or a live object');
  const { group, version } = parseApiVersion(ref.apiVersion ?? '');
  const kind = ref.kind;
  const namespaced = isNamespacedKind(group, kind, opts);
  const namespace = namespaced ? (ref.metadata?.namespace || live?.metadata?.namespace || opts.defaultNamespace || 'default') : '';
  const name = ref.metadata?.name ?? ref.metadata?.generateName ?? '';
  const secret = isSecret(ref);
  const rules = matchingRules(opts.ignore, group, kind, namespace, name);

  let dn: Record<string, unknown> | undefined;
  let ln: Record<string, unknown> | undefined;
  let action: DiffAction;
  if (dObj && live) {
    const d = withoutAggregatedRules(canonicalByteMaps(secret ? mergeStringData(dObj) : dObj), dObj);
    const l = withoutAggregatedRules(secret ? mergeStringData(live) : live, dObj);
    const managers = rules.flatMap((r) => r.managedFieldsManagers ?? []);
    const fm = opts.fieldManager ?? FIELD_MANAGER;
    const p = project(d, l, {
      kind,
      builtin: isBuiltinGroup(group),
      owned: () => ownedFields(live, fm),
      ignored: managers.length ? fieldsOfManagers(live, managers) : undefined,
    });
    dn = p.desired;
    ln = p.live;
    if (namespaced) (dn.metadata as Record<string, unknown>).namespace = (ln.metadata as Record<string, unknown>).namespace = namespace;
    action = p.changed ? 'update' : 'none';
  } else if (dObj) {
    dn = cleanObject(canonicalByteMaps(secret ? mergeStringData(dObj) : dObj), namespaced ? namespace : undefined);
    action = 'create';
  } else {
    ln = cleanObject(live!, undefined);
    action = 'delete';
  }

  const pointers = rules.flatMap((r) => r.jsonPointers ?? []);
  if (pointers.length && action !== 'none') {
    for (const ptr of pointers) {
      const tokens = parsePointer(ptr);
      if (dn) dn = withoutPath(dn, tokens) as Record<string, unknown>;
      if (ln) ln = withoutPath(ln, tokens) as Record<string, unknown>;
    }
    if (action === 'update' && deepEqual(dn, ln)) action = 'none';
  }

  const base: ResourceDiff = {
    group, version, kind, namespace, name, action,
    modified: action !== 'none',
    patch: [],
    diff: '',
  };
  if (desired?.source) base.source = desired.source;
  if (action === 'none') return base; // hot path: no YAML, no patch
  if (secret) maskSecretValues([ln, dn]);
  base.patch = compare(ln ?? {}, dn ?? {});
  base.diff = unifiedDiff(ln ? toYaml(ln) : '', dn ? toYaml(dn) : '', opts.labels);
  return base;
}

/** An object as it would be shown whole (create/delete): no status, no server metadata, no nulls. */
function cleanObject(obj: KubeObject, namespace: string | undefined): Record<string, unknown> {
  const out = pruneNulls(obj) as Record<string, unknown>;
  delete out.status;
  const md = { ...(isPlainObject(out.metadata) ? out.metadata : {}) } as Record<string, unknown>;
  for (const f of SERVER_METADATA) delete md[f];
  if (isPlainObject(md.annotations) && LAST_APPLIED in md.annotations) {
    const ann = { ...md.annotations };
    delete ann[LAST_APPLIED];
    if (Object.keys(ann).length) md.annotations = ann;
    else delete md.annotations;
  }
  if (namespace !== undefined && !md.namespace) md.namespace = namespace;
  out.metadata = md;
  return out;
}

/** Rules for this object; group and kind are glob patterns as in Argo CD's ignoreDifferences. */
function matchingRules(rules: IgnoreRule[] | undefined, group: string, kind: string, namespace: string, name: string): IgnoreRule[] {
  if (!rules?.length) return [];
  return rules.filter(
    (r) =>
      (r.group === undefined || globMatch(r.group, group)) &&
      (r.kind === undefined || globMatch(r.kind, kind)) &&
      (r.name === undefined || r.name === name) &&
      (r.namespace === undefined || r.namespace === namespace),
  );
}
