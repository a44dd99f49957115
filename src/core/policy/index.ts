export { runChecks, type CheckOptions } from './run-checks.ts';
export { effectiveSeverities, type EffectiveSeverities, type RefusedLoosening } from './severities.ts';
export { CONFIGURABLE_RULES, RULES, SCHEMA_RULE, WAIVER_RULE, defaultSeverities, imageTagProblem, type Rule, type RuleHit } from './rules.ts';
export { WAIVE_ANNOTATION, parseWaivers } from './waivers.ts';
export { countFindings, formatPath, type CheckCounts, type CheckResult, type Finding, type Severity } from './types.ts';
