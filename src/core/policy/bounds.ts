// A project's bounds on what an app may write, as Argo CD's AppProject draws them (destinations,
// clusterResourceWhitelist, namespaceResourceWhitelist, *ResourceBlacklist): every object's namespace
// must be one of the project's destination namespaces on the app's cluster, a cluster-scoped object
// needs its kind listed, a namespaced one a kind the project allows (all by default), and a denied
// kind is refused whatever its scope. Only the operator config sets bounds; a repo config cannot.
import { globMatch } from '../config/glob.ts';
import type { KindRule, OperatorConfig } from '../config/types.ts';
import { displayKey, keyOf, parseApiVersion, type KubeObject, type ResourceKey, type SourceLocation } from '../model/object.ts';
import type { ScopeAnswer } from './kind-scopes.ts';

export interface ProjectBounds {
  project: string;
  cluster: string;
  /** Namespace globs of the project's destinations on this cluster. */
  namespaces: string[];
  /** undefined: every namespaced kind. */
  allowedNamespacedKinds?: KindRule[];
  allowedClusterKinds: KindRule[];
  deniedKinds: KindRule[];
}

/** The config field whose rule an object breaks (`unknownKind`: its scope cannot be known, so no rule can pass it). */
export type BoundsRule = 'destinations' | 'allowedClusterKinds' | 'allowedNamespacedKinds' | 'deniedKinds' | 'unknownKind';

export interface BoundsViolation {
  rule: BoundsRule;
  project: string;
  /** The object as it would be written (namespace defaulted for namespaced kinds, none for cluster-scoped). */
  key: ResourceKey;
  source?: SourceLocation;
  /** Names the resource, the project and the rule. */
  message: string;
  /** The message without the resource: what is wrong, with the project and the rule. */
  why: string;
}

export interface BoundsSubject {
  object: KubeObject;
  source?: SourceLocation;
  scope: ScopeAnswer;
}

/** The bounds of `project` on `cluster`; undefined when the project does not exist. */
export function projectBounds(operator: Pick<OperatorConfig, 'projects'>, project: string, cluster: string): ProjectBounds | undefined {
  const p = operator.projects.find((x) => x.name === project);
  if (!p) return undefined;
  return {
    project: p.name,
    cluster,
    namespaces: p.destinations.filter((d) => d.cluster === cluster).flatMap((d) => d.namespaces),
    ...(p.allowedNamespacedKinds ? { allowedNamespacedKinds: p.allowedNamespacedKinds } : {}),
    allowedClusterKinds: p.allowedClusterKinds ?? [],
    deniedKinds: p.deniedKinds ?? [],
  };
}

export function kindMatches(rules: readonly KindRule[], group: string, kind: string): boolean {
  return rules.some((r) => globMatch(r.group, group) && globMatch(r.kind, kind));
}

const kindName = (group: string, kind: string) => (group ? `${group}/${kind}` : kind);
const listed = (rules: readonly KindRule[]) => (rules.length ? rules.map((r) => kindName(r.group, r.kind) || '""').join(', ') : 'none');

/** Every way the objects leave the bounds; `defaultNamespace` is where namespaced objects without one go. */
export function checkBounds(subjects: BoundsSubject[], bounds: ProjectBounds, defaultNamespace: string): BoundsViolation[] {
  const out: BoundsViolation[] = [];
  for (const s of subjects) out.push(...objectViolations(s, bounds, defaultNamespace));
  return out;
}

/**
 * Why a live object the app owns is outside the bounds (escaped before they were enforced, or the
 * project narrowed since); undefined when inside. Its scope is known: the server sets a namespace
 * exactly on namespaced objects. The sync never prunes or writes such an object.
 */
export function liveOutOfBounds(live: KubeObject, bounds: ProjectBounds): BoundsViolation | undefined {
  return objectViolations({ object: live, scope: { scope: live.metadata?.namespace ? 'namespaced' : 'cluster' } }, bounds, '')[0];
}

function objectViolations(s: BoundsSubject, b: ProjectBounds, defaultNamespace: string): BoundsViolation[] {
  const { object, source, scope } = s;
  const group = parseApiVersion(object.apiVersion ?? '').group;
  const kind = object.kind;
  const namespaced = scope.scope === 'namespaced';
  const key: ResourceKey = { ...keyOf(object), namespace: namespaced ? object.metadata?.namespace || defaultNamespace : scope.scope === 'cluster' ? '' : object.metadata?.namespace ?? '' };
  const project = `project "${b.project}"`;
  const v = (rule: BoundsRule, what: string): BoundsViolation => {
    const why = `${what} (${project}, rule ${rule})`;
    return { rule, project: b.project, key, ...(source ? { source } : {}), message: `${displayKey(key)}: ${why}`, why };
  };
  const out: BoundsViolation[] = [];
  if (kindMatches(b.deniedKinds, group, kind)) out.push(v('deniedKinds', `kind ${kindName(group, kind)} is denied`));
  if (scope.scope === 'unknown') {
    out.push(v('unknownKind', `${scope.why}; a kind whose scope is unknown cannot be checked against the project`));
    return out;
  }
  const allowedNs = (ns: string) => b.namespaces.some((g) => globMatch(g, ns));
  const destinations = () => `allowed on cluster "${b.cluster}": ${b.namespaces.join(', ') || 'none'}`;
  if (namespaced) {
    if (b.allowedNamespacedKinds && !kindMatches(b.allowedNamespacedKinds, group, kind)) {
      out.push(v('allowedNamespacedKinds', `namespaced kind ${kindName(group, kind)} is not allowed (allowed: ${listed(b.allowedNamespacedKinds)})`));
    }
    if (!allowedNs(key.namespace)) out.push(v('destinations', `namespace "${key.namespace}" is not a destination of the project (${destinations()})`));
    return out;
  }
  if (!kindMatches(b.allowedClusterKinds, group, kind)) {
    out.push(v('allowedClusterKinds', `cluster-scoped kind ${kindName(group, kind)} is not allowed (allowed: ${listed(b.allowedClusterKinds)})`));
  } else if (group === '' && kind === 'Namespace' && !allowedNs(key.name)) {
    // Creating, labelling or pruning a Namespace acts on that namespace: it must be a destination too.
    out.push(v('destinations', `Namespace "${key.name}" is not a destination of the project (${destinations()})`));
  }
  return out;
}
