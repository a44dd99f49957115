// User-defined health checks from the operator config: CEL expressions per group/kind in the shape of
// Flux's Kustomization.spec.healthCheckExprs (current required, inProgress and failed optional), so a
// team's Flux expressions work unchanged. Evaluated as Flux does (RFC-0009): a status.observedGeneration
// behind metadata.generation is Progressing without evaluating anything; then inProgress, failed,
// current in that order, the first true one decides; none true is Progressing. The expressions see the
// object's top-level fields as variables (apiVersion, kind, metadata, spec, status), and JSON integers
// as CEL ints, as in Kubernetes' own CEL.
import { Environment } from '@marcbachmann/cel-js';
import type { KubeObject, SourceLocation } from '../model/object.ts';
import type { HealthResult, HealthStatus } from './types.ts';
import { generationLag } from './fields.ts';

export interface HealthCheckExprs {
  /** API group ('' for core). */
  group: string;
  kind: string;
  current: string;
  inProgress?: string;
  failed?: string;
  /** Where the entry is written (operator config file:line), named in every message. */
  location?: SourceLocation;
}

export type ExprField = 'current' | 'inProgress' | 'failed';

export interface ExprProblem {
  field: ExprField;
  message: string;
}

export interface CustomHealthCheck {
  group: string;
  kind: string;
  /** `file:line`, or `group/Kind` when the entry has no location. */
  source: string;
  assess(obj: KubeObject): HealthResult;
}

/** Compiled checks by `group/Kind`; they take precedence over the built-in rule for that kind. */
export type CustomHealthChecks = ReadonlyMap<string, CustomHealthCheck>;

type Program = (ctx: Record<string, unknown>) => unknown;

const env = new Environment({ unlistedVariablesAreDyn: true, enableOptionalTypes: true, homogeneousAggregateLiterals: false });

// Evaluation order and the status each expression stands for (Flux: InProgress, Failed, Current).
const ORDER: ReadonlyArray<[ExprField, HealthStatus]> = [['inProgress', 'Progressing'], ['failed', 'Degraded'], ['current', 'Healthy']];

function firstLine(msg: string): string {
  return msg.split('\n')[0]!.trim();
}

/** Parse and type-check one expression: undefined and a problem when it is not a valid boolean CEL expression. */
function compileExpr(field: ExprField, text: string): { program?: Program; problem?: ExprProblem } {
  try {
    const parsed = env.parse(text);
    const checked = parsed.check();
    if (!checked.valid) return { problem: { field, message: `${field}: ${firstLine(checked.error?.message ?? 'invalid expression')}` } };
    if (checked.type !== 'bool' && checked.type !== 'dyn') return { problem: { field, message: `${field}: must be a boolean expression, this one gives ${checked.type}` } };
    return { program: parsed as unknown as Program };
  } catch (e) {
    return { problem: { field, message: `${field}: ${firstLine((e as Error).message)}` } };
  }
}

/** JSON integers become CEL ints (bigint), so `status.replicas + 1` type-checks as it does in Kubernetes. */
function toCel(v: unknown): unknown {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(toCel);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toCel(x);
    return out;
  }
  return v;
}

function isSecret(obj: KubeObject): boolean {
  return obj.kind === 'Secret' && obj.apiVersion === 'v1';
}

function sourceOf(e: HealthCheckExprs): string {
  return e.location ? `${e.location.file}:${e.location.line}` : `${e.group ? `${e.group}/` : ''}${e.kind}`;
}

/** Compile one entry: the check, or the problems of its expressions (each naming the field). */
export function compileHealthCheck(e: HealthCheckExprs): { check?: CustomHealthCheck; problems: ExprProblem[] } {
  const problems: ExprProblem[] = [];
  const programs: Array<[ExprField, HealthStatus, Program]> = [];
  for (const [field, status] of ORDER) {
    const text = e[field];
    if (text === undefined) continue;
    const r = compileExpr(field, text);
    if (r.problem) problems.push(r.problem);
    else programs.push([field, status, r.program!]);
  }
  if (problems.length > 0) return { problems };
  const source = sourceOf(e);
  const rule = `health check ${source}`;
  return {
    problems,
    check: {
      group: e.group,
      kind: e.kind,
      source,
      assess(obj: KubeObject): HealthResult {
        const lag = generationLag(obj);
        if (lag) return { status: 'Progressing', message: `${rule}: ${lag}` };
        const ctx = toCel(obj) as Record<string, unknown>;
        for (const [field, status, program] of programs) {
          let result: unknown;
          try {
            result = program(ctx);
          } catch (err) {
            // Flux keeps waiting when an expression cannot be evaluated (e.g. a field not written yet).
            // CEL errors can quote values; a Secret's must not reach a check run.
            const why = isSecret(obj) ? 'error details withheld for Secrets' : firstLine((err as Error).message);
            return { status: 'Progressing', message: `${rule}: ${field} could not be evaluated: ${why}` };
          }
          if (typeof result !== 'boolean') return { status: 'Progressing', message: `${rule}: ${field} gave ${typeof result}, not a boolean` };
          if (result) return { status, message: `${rule}: ${field} is true` };
        }
        return { status: 'Progressing', message: `${rule}: no expression is true yet` };
      },
    },
  };
}

export function customCheckKey(group: string, kind: string): string {
  return `${group}/${kind}`;
}
