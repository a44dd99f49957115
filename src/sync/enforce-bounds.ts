// The sync's side of the project's bounds: desired objects outside them refuse the sync before any
// write; owned live objects outside them (escaped before the bounds were enforced, or the project
// narrowed since) are never pruned, so they neither block a sync nor get touched by one.
import { checkBounds, liveOutOfBounds, type ProjectBounds } from '../core/policy/bounds.ts';
import { keyString, type KubeObject } from '../core/model/object.ts';
import type { DiffResult } from '../core/diff/types.ts';
import type { Prepared, PrepareProblem } from './prepare.ts';

/** One problem per prepared (kind resolved, namespace defaulted) object outside the bounds, naming each rule it breaks. */
export function desiredOutOfBounds(prep: Prepared, bounds: ProjectBounds): PrepareProblem[] {
  return prep.objects.flatMap((p) => {
    const scope = p.object.metadata.namespace ? 'namespaced' as const : 'cluster' as const;
    const vs = checkBounds([{ object: p.object, source: p.source, scope: { scope } }], bounds, prep.namespace);
    return vs.length ? [{ object: p.object, source: p.source, message: `outside the bounds: ${vs.map((v) => v.why).join('; ')}` }] : [];
  });
}

/** planSync's `keep`: the reason an owned live object outside the bounds is not pruned. */
export function keepOutOfBounds(bounds: ProjectBounds): (live: KubeObject) => string | undefined {
  return (live) => {
    const v = liveOutOfBounds(live, bounds);
    return v && `outside the bounds: ${v.why}; Driftguard never prunes or writes it (delete it by hand if it should go)`;
  };
}

/** A diff without the deletes the sync will never do: owned live objects outside the bounds. */
export function withoutOutOfBoundsDeletes<T extends DiffResult>(result: T, live: Map<string, KubeObject>, bounds: ProjectBounds): T {
  const resources = result.resources.filter((r) => {
    const o = r.action === 'delete' ? live.get(keyString(r)) : undefined;
    return !(o && liveOutOfBounds(o, bounds));
  });
  if (resources.length === result.resources.length) return result;
  const summary = { create: 0, update: 0, delete: 0, none: 0, total: resources.length };
  for (const r of resources) summary[r.action]++;
  return { ...result, resources, summary };
}
