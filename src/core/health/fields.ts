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
}

export function conditions(obj: KubeObject): Condition[] {
  return asArray(status(obj).conditions).map((c) => {
    const o = asObj(c);
    return { type: str(o.type), status: str(o.status), reason: str(o.reason), message: str(o.message) };
  });
}

export function findCondition(conds: Condition[], type: string): Condition | undefined {
  return conds.find((c) => c.type === type);
}
