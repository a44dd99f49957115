// Findings of the checks that run before anything is applied: schema validation and the
// misconfiguration rules. One shape for both, so reports, annotations and the CLI treat them alike.
import type { FieldPath, ResourceKey, SourceLocation } from '../model/object.ts';

/** `off` turns a rule off; `error` fails the check run and refuses a sync; `warning` only reports. */
export type Severity = 'error' | 'warning' | 'off';

export interface Finding {
  /** Rule id (`privileged`, `schema`, …). */
  rule: string;
  severity: 'error' | 'warning';
  message: string;
  resource: ResourceKey;
  /** Field path in dotted form (`spec.template.spec.containers[0].ports`), when the finding has one. */
  path?: string;
  /** file:line(:col) of the offending field, else of the object. */
  location?: SourceLocation;
  /** Set when the resource waives the rule: the reason its annotation gives. Waived findings never fail anything. */
  waiver?: string;
}

export interface CheckCounts {
  errors: number;
  warnings: number;
  waived: number;
}

export interface CheckResult {
  findings: Finding[];
  counts: CheckCounts;
  /** Where the schemas came from (`cluster`, `bundled Kubernetes 1.27`), when schemas were checked. */
  schemaSource?: string;
  /** apiVersion/Kind pairs with no schema anywhere (custom resources whose CRD is neither rendered nor installed). */
  unchecked: string[];
}

/** Dotted form of a field path: `spec.containers[0].ports`. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

export function countFindings(findings: Finding[]): CheckCounts {
  const c: CheckCounts = { errors: 0, warnings: 0, waived: 0 };
  for (const f of findings) {
    if (f.waiver !== undefined) c.waived++;
    else if (f.severity === 'error') c.errors++;
    else c.warnings++;
  }
  return c;
}
