// All checks of one app's render: schema validation (when schemas are given), every rule at its
// effective severity, and waivers. Pure: schemas and the cluster's NetworkPolicy namespaces are read
// by the caller.
import { keyOf, type SourcedObject } from '../model/object.ts';
import { isClusterScopedBuiltin } from '../normalize/scope.ts';
import { schemaFindings } from '../validate/schema-findings.ts';
import { syncOptionsOf } from '../sync-options.ts';
import type { SchemaSet } from '../validate/schema-set.ts';
import { CONFIGURABLE_RULES, RULES, WAIVER_RULE, defaultSeverities, type AppContext, type RuleHit } from './rules.ts';
import { countFindings, formatPath, type CheckResult, type Finding, type Severity } from './types.ts';
import { parseWaivers, type Waivers } from './waivers.ts';

export interface CheckOptions extends AppContext {
  /** Effective severity per rule (see effectiveSeverities); missing rules use their defaults. */
  severities?: Record<string, Severity>;
  /** Schemas to validate against; undefined skips schema validation. */
  schemas?: SchemaSet;
}

const RULE_IDS = new Set(CONFIGURABLE_RULES);

export function runChecks(objects: SourcedObject[], opts: CheckOptions): CheckResult {
  const severities = { ...defaultSeverities(), ...(opts.severities ?? {}) };
  const ctx: AppContext = { ...opts, isClusterScoped: opts.isClusterScoped ?? isClusterScopedBuiltin };
  const findings: Finding[] = [];
  const waivers = new Map<SourcedObject, Waivers>();
  const locate = (so: SourcedObject, path: RuleHit['path']) => so.fields?.(path) ?? so.source;
  const finding = (so: SourcedObject, rule: string, severity: 'error' | 'warning', hit: RuleHit, waiver?: string): Finding => {
    const location = locate(so, hit.path);
    return {
      rule, severity, message: hit.message, resource: keyOf(so.object, opts.namespace),
      ...(hit.path.length ? { path: formatPath(hit.path) } : {}),
      ...(location ? { location } : {}),
      ...(waiver !== undefined ? { waiver } : {}),
    };
  };

  for (const so of objects) {
    const w = parseWaivers(so.object.metadata?.annotations, RULE_IDS);
    waivers.set(so, w);
    for (const p of w.problems) findings.push(finding(so, WAIVER_RULE, 'error', p));
  }

  let unchecked: string[] = [];
  const schemaSeverity = severities.schema;
  if (opts.schemas && schemaSeverity && schemaSeverity !== 'off') {
    // `driftguard.dev/sync-options: Validate=false` opts an object out of schema validation (kubectl --validate=false).
    const r = schemaFindings(objects.filter((so) => syncOptionsOf(so.object).validate), opts.schemas, opts.namespace);
    for (const f of r.findings) findings.push({ ...f, severity: schemaSeverity });
    unchecked = r.unchecked;
  }

  for (const rule of RULES) {
    const severity = severities[rule.id];
    if (!severity || severity === 'off') continue;
    if (rule.check) {
      for (const so of objects) {
        for (const hit of rule.check(so.object)) findings.push(finding(so, rule.id, severity, hit, waivers.get(so)?.reasons.get(rule.id)));
      }
    }
    if (rule.checkApp) {
      for (const { object, hit, also } of rule.checkApp(objects, ctx)) {
        const reason = [object, ...also].map((so) => waivers.get(so)?.reasons.get(rule.id)).find((r) => r !== undefined);
        findings.push(finding(object, rule.id, severity, hit, reason));
      }
    }
  }
  return {
    findings,
    counts: countFindings(findings),
    ...(opts.schemas ? { schemaSource: opts.schemas.source } : {}),
    unchecked,
  };
}
