// Tolerant readers for the untyped parts of a KubeObject. Health rules read live objects as the API
// returns them, but also desired manifests (no status) and partial test data, so nothing may throw.
import type { KubeObject } from '../model/object.ts';

export type Obj = Record<string, unknown>;

export function asObj(v: unknown): Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {};
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A number, or `fallback` when absent/not numeric (Go's typed conversion yields 0 for absent ints). */
export function num(v: unknown, fallback = 0): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

export function optNum(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function spec(obj: KubeObject): Obj {
  return asObj(obj.spec);
}

export function status(obj: KubeObject): Obj {
  return asObj(obj.status);
}

export function generation(obj: KubeObject): number {
  return num(obj.metadata?.generation);
}

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  /** metav1.Condition.observedGeneration: the generation this condition was computed from. */
  observedGeneration?: number;
}

export function conditions(obj: KubeObject): Condition[] {
  return asArray(status(obj).conditions).map((c) => {
    const o = asObj(c);
    const cond: Condition = { type: str(o.type), status: str(o.status), reason: str(o.reason), message: str(o.message) };
    const og = optNum(o.observedGeneration);
    if (og !== undefined) cond.observedGeneration = og;
    return cond;
  });
}

export function findCondition(conds: Condition[], type: string): Condition | undefined {
  return conds.find((c) => c.type === type);
}

/** `Reason: message`, or whichever of the two is set. */
export function describe(c: Condition): string {
  return [c.reason, c.message].filter(Boolean).join(': ');
}

/** The condition's message, else its reason, else `fallback`. */
export function messageOf(c: Condition | undefined, fallback = ''): string {
  return c?.message || c?.reason || fallback;
}

/**
 * Why the status is older than the spec, or undefined when it is not: status.observedGeneration (or the
 * given condition's observedGeneration) below metadata.generation means the controller has not seen the
 * latest spec yet, so whatever the status says is about an older one (kstatus reads this as InProgress).
 */
export function generationLag(obj: KubeObject, cond?: Condition): string | undefined {
  const gen = generation(obj);
  if (gen <= 0) return undefined;
  const observed = optNum(status(obj).observedGeneration);
  if (observed !== undefined && observed < gen) return `generation ${gen} not yet observed by the controller (status is of generation ${observed})`;
  const co = cond?.observedGeneration;
  if (co !== undefined && co < gen) return `generation ${gen} not yet observed by the controller (${cond!.type} is of generation ${co})`;
  return undefined;
}

/** True when the object has no status at all (absent, null or `{}`). */
export function hasNoStatus(obj: KubeObject): boolean {
  return Object.keys(status(obj)).length === 0;
}
