// The operator project's bounds in the worker jobs: the PR plan checks the head's objects (kinds from
// discovery only; an unapproved fork's from the built-in tables and its CRDs, without any request) and the sync hands the bounds to the
// engine, which refuses before any write. Failed resources become annotations at their file:line.
import type { AppConfig } from '../src/core/config/types.ts';
import { displayKey, type SourcedObject } from '../src/core/model/object.ts';
import { projectBounds, type ProjectBounds } from '../src/core/policy/bounds.ts';
import { errorsToAnnotations } from '../src/core/report/index.ts';
import type { CheckAnnotation, ReportError } from '../src/core/report/types.ts';
import { boundsViolations } from '../src/sync/bounds.ts';
import type { SyncResult } from '../src/sync/types.ts';
import type { WorkerDeps } from './deps.ts';

export function appBounds(deps: Pick<WorkerDeps, 'operator'>, project: string, app: AppConfig): ProjectBounds {
  const b = projectBounds(deps.operator, project, app.cluster);
  if (!b) throw new Error(`project "${project}" is not in the operator config`); // authorizeApp named it: cannot happen
  return b;
}

/**
 * Plan errors for head objects outside the bounds or of a kind the cluster does not know, at each
 * object's file:line. `offline` (an unapproved fork): no discovery; a kind that is neither built in
 * nor defined by a CRD in the render is left to the approved plan, which can ask the cluster.
 */
export async function planBoundsErrors(deps: Pick<WorkerDeps, 'operator' | 'cluster'>, project: string, app: AppConfig, objects: SourcedObject[], opts: { offline?: boolean } = {}): Promise<ReportError[]> {
  let cluster: ReturnType<WorkerDeps['cluster']> | undefined;
  try {
    cluster = opts.offline ? undefined : deps.cluster(app.cluster);
  } catch {
    cluster = undefined; // no kubeconfig: the built-in tables and the render's CRDs decide
  }
  const violations = (await boundsViolations(cluster?.discovery ? cluster : undefined, objects, appBounds(deps, project, app), app.namespace))
    .filter((v) => !(opts.offline && v.rule === 'unknownKind'));
  return violations.map((v) => ({
    message: v.message,
    ...(v.source ? { location: v.source } : {}),
    title: v.rule === 'unknownKind' ? 'Unknown kind' : `Outside project "${v.project}"`,
  }));
}

/** An annotation at the source of every resource the sync failed or refused. */
export function failedResourceAnnotations(result: SyncResult): CheckAnnotation[] {
  return errorsToAnnotations(result.resources
    .filter((r) => r.outcome === 'failed' && r.source)
    .map((r) => ({ message: `${displayKey(r)}: ${r.message ?? 'failed'}`, location: r.source!, title: 'Not synced' })));
}
