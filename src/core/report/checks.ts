// Check findings (schema validation, misconfiguration rules, waivers) in reports: annotations at the
// offending field, a short line for the PR comment, a section for the check run's summary.
import type { CheckResult, Finding } from '../policy/types.ts';
import { displayKey } from '../model/object.ts';
import { ANNOTATION_MESSAGE_MAX_CHARS, ANNOTATION_TITLE_MAX_CHARS } from './limits.ts';
import type { CheckAnnotation, CheckConclusion, ReportError } from './types.ts';
import { escapeMarkdown, inlineCode, truncateWithEllipsis } from './text.ts';

/** Checks of one app plus what the report should say about how they ran (schema source, refused loosening). */
export interface AppChecks {
  result: CheckResult;
  /** Remarks shown in the check run; located ones also become notice annotations. */
  notes: ReportError[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `2 errors, 3 warnings, 1 waived` or `passed`. */
export function checksLine(r: CheckResult): string {
  const c = r.counts;
  const parts = [c.errors ? plural(c.errors, 'error') : '', c.warnings ? plural(c.warnings, 'warning') : '', c.waived ? `${c.waived} waived` : ''].filter(Boolean);
  return parts.length ? parts.join(', ') : 'passed';
}

/** Worst outcome the checks allow: any error fails, warnings make it neutral. */
export function checksConclusion(r: CheckResult | undefined): CheckConclusion {
  if (!r) return 'success';
  return r.counts.errors > 0 ? 'failure' : r.counts.warnings > 0 ? 'neutral' : 'success';
}

/** Our messages mark code with backticks; keep those as code and escape everything else. */
export function markdownMessage(msg: string): string {
  return msg.split('`').map((seg, i) => (i % 2 === 1 ? inlineCode(seg) : escapeMarkdown(seg))).join('');
}

const where = (f: Finding) => (f.location ? `${f.location.file}:${f.location.line}` : '');

export function findingsToAnnotations(findings: Finding[]): CheckAnnotation[] {
  const out: CheckAnnotation[] = [];
  for (const f of findings) {
    const loc = f.location;
    if (!loc?.file) continue;
    const line = Math.max(1, Math.floor(loc.line) || 1);
    const waived = f.waiver !== undefined;
    const a: CheckAnnotation = {
      path: loc.file.replace(/^\.?\//, ''),
      start_line: line,
      end_line: line,
      annotation_level: waived ? 'notice' : f.severity === 'error' ? 'failure' : 'warning',
      message: truncateWithEllipsis(waived ? `${f.message}\nWaived: ${f.waiver}` : f.message, ANNOTATION_MESSAGE_MAX_CHARS),
      title: truncateWithEllipsis(`${waived ? 'waived' : f.severity} [${f.rule}] ${displayKey(f.resource)}`, ANNOTATION_TITLE_MAX_CHARS),
    };
    if (loc.column && loc.column >= 1) {
      a.start_column = loc.column;
      a.end_column = loc.column;
    }
    out.push(a);
  }
  return out;
}

const LISTED = 100;

/** The check run's "Checks" section: counts, each finding with its place, waivers with reasons, notes. */
export function renderChecksSection(checks: AppChecks): string {
  const r = checks.result;
  const lines = [`### Checks: ${checksLine(r)}`, ''];
  if (r.schemaSource) lines.push(`Schemas: ${escapeMarkdown(r.schemaSource)}${r.unchecked.length ? `; no schema for ${r.unchecked.map((u) => inlineCode(u)).join(', ')}` : ''}.`, '');
  for (const n of checks.notes) lines.push(`> ${n.location ? `${inlineCode(`${n.location.file}:${n.location.line}`)}: ` : ''}${markdownMessage(n.message)}`, '');
  const active = r.findings.filter((f) => f.waiver === undefined).sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  for (const f of active.slice(0, LISTED)) {
    lines.push(`- **${f.severity}** ${inlineCode(f.rule)} ${escapeMarkdown(displayKey(f.resource))}${where(f) ? ` · ${inlineCode(where(f))}` : ''}: ${markdownMessage(f.message)}`);
  }
  if (active.length > LISTED) lines.push(`- …and ${active.length - LISTED} more (see the annotations)`);
  const waived = r.findings.filter((f) => f.waiver !== undefined);
  if (waived.length) {
    lines.push('', '**Waivers**', '');
    for (const f of waived.slice(0, LISTED)) {
      lines.push(`- ${inlineCode(f.rule)} ${escapeMarkdown(displayKey(f.resource))}${where(f) ? ` · ${inlineCode(where(f))}` : ''}: ${markdownMessage(f.message)} — waived: ${escapeMarkdown(f.waiver!)}`);
    }
    if (waived.length > LISTED) lines.push(`- …and ${waived.length - LISTED} more`);
  }
  return `${lines.join('\n')}\n`;
}

/** Notes with a location as notice annotations (a refused loosening points at the repo config line). */
export function notesToAnnotations(notes: ReportError[]): CheckAnnotation[] {
  return notes.filter((n) => n.location?.file).map((n) => ({
    path: n.location!.file.replace(/^\.?\//, ''),
    start_line: Math.max(1, n.location!.line),
    end_line: Math.max(1, n.location!.line),
    annotation_level: 'warning' as const,
    message: truncateWithEllipsis(n.message, ANNOTATION_MESSAGE_MAX_CHARS),
    ...(n.title ? { title: truncateWithEllipsis(n.title, ANNOTATION_TITLE_MAX_CHARS) } : {}),
  }));
}
