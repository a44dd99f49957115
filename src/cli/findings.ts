// Check findings on a terminal and in `validate --output json`, and the checks `render` and `diff`
// run on what they rendered (errors only, on stderr: stdout stays the render/diff output).
import { displayKey, type SourcedObject } from '../core/model/object.ts';
import type { Finding } from '../core/policy/types.ts';
import type { AppChecks } from '../core/report/checks.ts';
import { checksLine } from '../core/report/checks.ts';
import { checkApp } from '../sync/check-app.ts';
import type { CliIO } from './command.ts';

const where = (f: Finding) => (f.location ? `${f.location.file}:${f.location.line}${f.location.column ? `:${f.location.column}` : ''}: ` : '');

export function formatFinding(f: Finding): string {
  const level = f.waiver !== undefined ? 'waived' : f.severity;
  const reason = f.waiver !== undefined ? ` (waived: ${f.waiver})` : '';
  const what = f.resource.kind ? `${displayKey(f.resource)}: ` : '';
  return `${where(f)}${level} [${f.rule}] ${what}${f.message}${reason}`;
}

/** Every finding, errors first, then notes and a summary line. */
export function formatChecksText(checks: AppChecks): string {
  const r = checks.result;
  const rank = (f: Finding) => (f.waiver !== undefined ? 2 : f.severity === 'error' ? 0 : 1);
  const at = (f: Finding) => `${f.location?.file ?? ''}\0${String(f.location?.line ?? 0).padStart(9, '0')}`;
  const lines = [...r.findings].sort((a, b) => rank(a) - rank(b) || (at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : 0)).map(formatFinding);
  for (const n of checks.notes) lines.push(`note: ${n.location ? `${n.location.file}:${n.location.line}: ` : ''}${n.message}`);
  const unchecked = r.unchecked.length ? `; no schema for ${r.unchecked.join(', ')}` : '';
  lines.push(`${checksLine(r) === 'passed' ? 'No findings' : checksLine(r)} (schemas: ${r.schemaSource ?? 'not checked'}${unchecked})`);
  return `${lines.join('\n')}\n`;
}

export function checksJson(checks: AppChecks): object {
  const r = checks.result;
  return {
    valid: r.counts.errors === 0,
    summary: r.counts,
    schemas: r.schemaSource ?? null,
    unchecked: r.unchecked,
    notes: checks.notes.map((n) => ({ message: n.message, ...(n.location ? { location: n.location } : {}) })),
    findings: r.findings.map((f) => ({
      rule: f.rule, severity: f.severity, message: f.message,
      resource: f.resource,
      ...(f.path ? { path: f.path } : {}),
      ...(f.location ? { location: f.location } : {}),
      ...(f.waiver !== undefined ? { waiver: f.waiver } : {}),
    })),
  };
}

/** render/diff: error findings of the rendered objects on stderr (bundled schemas; `validate` shows everything). */
export async function reportRenderErrors(objects: SourcedObject[], namespace: string | undefined, io: CliIO): Promise<void> {
  const checks = await checkApp({ objects, namespace: namespace ?? 'default' });
  const errors = checks.result.findings.filter((f) => f.severity === 'error' && f.waiver === undefined);
  if (errors.length === 0) return;
  io.stderr.write(`${errors.map((f) => `${formatFinding(f)}\n`).join('')}# ${errors.length} check error${errors.length === 1 ? '' : 's'}: a sync would be refused (driftguard validate shows warnings and waivers too)\n`);
}
