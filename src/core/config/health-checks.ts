// `healthCheckExprs:` in the operator config: user-defined health checks per group/kind, CEL
// expressions in the shape of Flux's Kustomization.spec.healthCheckExprs (so Flux users can paste
// theirs), compiled once when the config is read. A kind is named by `apiVersion` (as in Flux; only
// its group counts, health does not change between versions of a kind) or by `group`. Expressions
// that do not parse or type-check are config errors at the file:line of the expression.
import { compileHealthCheck, customCheckKey, type CustomHealthCheck, type CustomHealthChecks } from '../health/custom-checks.ts';
import { parseApiVersion } from '../model/object.ts';
import type { ConfigProblem, YamlSource } from './yaml-source.ts';

export interface RawHealthCheckExprs {
  apiVersion?: string;
  group?: string;
  kind: string;
  current: string;
  inProgress?: string;
  failed?: string;
}

const expr = { type: 'string', minLength: 1 } as const;

export const healthCheckExprsSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['kind', 'current'],
    properties: {
      apiVersion: { type: 'string', minLength: 1 },
      group: { type: 'string' },
      kind: { type: 'string', minLength: 1 },
      current: expr,
      inProgress: expr,
      failed: expr,
    },
  },
} as const;

/** The compiled checks (undefined when the config has none) and the problems found. */
export function parseHealthChecks(src: YamlSource): { checks?: CustomHealthChecks; problems: ConfigProblem[] } {
  const raw = (src.value as { healthCheckExprs?: RawHealthCheckExprs[] }).healthCheckExprs;
  if (!raw) return { problems: [] };
  const problems: ConfigProblem[] = [];
  const checks = new Map<string, CustomHealthCheck>();
  const first = new Map<string, number>();
  raw.forEach((e, i) => {
    const at = (field?: string) => src.locate(field ? ['healthCheckExprs', i, field] : ['healthCheckExprs', i]);
    if ((e.apiVersion === undefined) === (e.group === undefined)) {
      problems.push({ message: `healthCheckExprs[${i}]: give either apiVersion or group (the kind's API group, "" for core)`, location: at() });
      return;
    }
    const group = e.group ?? parseApiVersion(e.apiVersion!).group;
    const key = customCheckKey(group, e.kind);
    const prev = first.get(key);
    if (prev !== undefined) {
      problems.push({ message: `healthCheckExprs[${i}]: ${group ? `${group}/` : ''}${e.kind} already has a health check at healthCheckExprs[${prev}]`, location: at('kind') });
      return;
    }
    first.set(key, i);
    const location = at();
    const r = compileHealthCheck({ group, kind: e.kind, current: e.current, inProgress: e.inProgress, failed: e.failed, location: { file: src.file, line: location.line } });
    for (const p of r.problems) problems.push({ message: `healthCheckExprs[${i}].${p.message}`, location: at(p.field) });
    if (r.check) checks.set(key, r.check);
  });
  return { checks, problems };
}
