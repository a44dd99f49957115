// Per-app check run for a PR plan: counts in the summary, every diff that fits in the text, and
// errors as annotations at file:line.
import type { AppReport, CheckAnnotation, CheckRunOutput, ReportError } from './types.ts';
import {
  ANNOTATION_MESSAGE_MAX_CHARS, ANNOTATION_TITLE_MAX_CHARS, ANNOTATIONS_PER_REQUEST, CHECK_RUN_SUMMARY_MAX_CHARS,
  CHECK_RUN_TEXT_MAX_CHARS,
} from './limits.ts';
import { chooseBlocks, modified, renderResourceBlock, resourceTitle, type Block } from './blocks.ts';
import { changeCounts } from './pr-comment.ts';
import { escapeMarkdown, inlineCode, shortSha, truncateWithEllipsis } from './text.ts';
import { displayKey } from '../model/object.ts';
import { hookLabel } from './hooks.ts';
import { checksConclusion, checksLine, findingsToAnnotations, notesToAnnotations, renderChecksSection } from './checks.ts';

/** Resources not Healthy listed by name in the summary; the rest are counted. */
const UNHEALTHY_LISTED = 20;

export interface CheckRunOptions {
  headSha: string;
  maxChars?: number;
}

/** Errors with a location become failure annotations; the others are only listed in the summary. */
export function errorsToAnnotations(errors: ReportError[]): CheckAnnotation[] {
  const out: CheckAnnotation[] = [];
  for (const e of errors) {
    const loc = e.location;
    if (!loc || !loc.file) continue;
    const line = Math.max(1, Math.floor(loc.line) || 1);
    const a: CheckAnnotation = {
      path: loc.file.replace(/^\.?\//, ''),
      start_line: line,
      end_line: line,
      annotation_level: 'failure',
      message: truncateWithEllipsis(e.message || 'error', ANNOTATION_MESSAGE_MAX_CHARS),
    };
    if (loc.column && loc.column >= 1) {
      a.start_column = loc.column;
      a.end_column = loc.column;
    }
    if (e.title) a.title = truncateWithEllipsis(e.title, ANNOTATION_TITLE_MAX_CHARS);
    out.push(a);
  }
  return out;
}

/** Split annotations into requests of at most `size` (GitHub accepts 50 per create/update call). */
export function batchAnnotations(a: CheckAnnotation[], size = ANNOTATIONS_PER_REQUEST): CheckAnnotation[][] {
  const n = Math.max(1, Math.floor(size));
  const out: CheckAnnotation[][] = [];
  for (let i = 0; i < a.length; i += n) out.push(a.slice(i, i + n));
  return out;
}

function countsTitle(r: AppReport): string {
  const c = r.changes.summary;
  const drift = modified(r.drift).length;
  if (r.errors.length > 0) return `${r.errors.length} error${r.errors.length === 1 ? '' : 's'} in ${r.app}`;
  if (r.checks && (r.checks.result.counts.errors > 0 || r.checks.result.counts.warnings > 0)) return `Checks: ${checksLine(r.checks.result)}`;
  const parts = c.create + c.update + c.delete === 0 ? ['No changes'] : [`${c.create} to create, ${c.update} to update, ${c.delete} to delete`];
  if (drift > 0) parts.push(`${drift} drifted`);
  return parts.join('; ');
}

function renderSummary(r: AppReport, headSha: string): string {
  const lines = [
    `**${escapeMarkdown(r.app)}** → ${escapeMarkdown(`${r.cluster}/${r.namespace}`)} at ${inlineCode(shortSha(headSha))}`,
    '',
    '| | Create | Update | Delete |',
    '| --- | --- | --- | --- |',
    `| What this PR changes | ${r.changes.summary.create} | ${r.changes.summary.update} | ${r.changes.summary.delete} |`,
    `| Drift merging will overwrite | ${r.drift.summary.create} | ${r.drift.summary.update} | ${r.drift.summary.delete} |`,
    '',
    `Health in the cluster now: **${r.health ?? 'unknown'}**`,
  ];
  const unwell = (r.resourceHealth ?? []).filter((h) => h.status !== 'Healthy');
  if (unwell.length > 0) {
    lines.push('');
    for (const h of unwell.slice(0, UNHEALTHY_LISTED)) {
      const msg = h.message ? `: ${escapeMarkdown(truncateWithEllipsis(h.message, 300))}` : '';
      lines.push(`- ${h.status} ${inlineCode(displayKey(h))}${msg}`);
    }
    if (unwell.length > UNHEALTHY_LISTED) lines.push(`- …and ${unwell.length - UNHEALTHY_LISTED} more not Healthy`);
  }
  if (r.errors.length > 0) {
    lines.push('', `### ${r.errors.length} error${r.errors.length === 1 ? '' : 's'}`, '');
    for (const e of r.errors) {
      const where = e.location ? `${inlineCode(`${e.location.file}:${e.location.line}`)}: ` : '';
      lines.push(`- ${where}${escapeMarkdown(truncateWithEllipsis(e.message, 1000))}`);
    }
  }
  if (r.checks) lines.push('', renderChecksSection(r.checks));
  if (r.hooks?.length) {
    lines.push('', '### Sync hooks', '', 'A sync of this change runs these hooks, in this order (PreSync before anything is applied, PostSync once the app is healthy, SyncFail if the sync fails):', '');
    for (const h of r.hooks) lines.push(`- ${hookLabel(h)}${h.source ? ` — ${inlineCode(`${h.source.file}:${h.source.line}`)}` : ''}`);
  }
  return truncateWithEllipsis(`${lines.join('\n')}\n`, CHECK_RUN_SUMMARY_MAX_CHARS);
}

/** Full diffs, whole resources only; what does not fit is listed by name. */
function renderText(r: AppReport, max: number): string {
  let order = 0;
  const sections = [
    { title: 'What this PR changes', diffs: modified(r.changes) },
    { title: 'Drift already in the cluster that merging will overwrite', diffs: modified(r.drift) },
  ].map((s) => ({ ...s, blocks: s.diffs.map((d): Block => ({ order: order++, action: d.action, text: renderResourceBlock(d) })) }));
  const total = order;

  const render = (shown: Set<Block>): string => {
    let out = '';
    for (const s of sections) {
      out += `## ${s.title}\n\n`;
      if (s.blocks.length === 0) out += '_No changes._\n\n';
      s.blocks.forEach((b, i) => {
        if (shown.has(b)) out += b.text;
      });
    }
    if (shown.size < total) {
      out += `> **truncated: ${shown.size} of ${total} resources shown** (GitHub limits check-run text to ${CHECK_RUN_TEXT_MAX_CHARS} characters). Not shown:\n\n`;
      for (const s of sections) {
        s.blocks.forEach((b, i) => {
          if (!shown.has(b)) out += `- ${s.diffs[i].action} ${resourceTitle(s.diffs[i])}\n`;
        });
      }
    }
    return out;
  };

  const all = new Set(sections.flatMap((s) => s.blocks));
  const full = render(all);
  if (full.length <= max) return full;
  // Frame = headings + the not-shown list at its longest (everything listed).
  const frame = render(new Set()).length + String(total).length;
  const chosen = frame <= max ? chooseBlocks([...all], max - frame) : new Set<Block>();
  let out = render(chosen);
  while (out.length > max && chosen.size > 0) {
    const largest = [...chosen].reduce((a, b) => (b.text.length > a.text.length ? b : a));
    chosen.delete(largest);
    out = render(chosen);
  }
  // Even the list of names may not fit (thousands of resources): cut at a line, outside any block.
  if (out.length > max) {
    const note = `\n> truncated: the list of resources is too long to show.\n`;
    const cut = out.lastIndexOf('\n', max - note.length);
    out = out.slice(0, Math.max(0, cut + 1)) + note;
  }
  return out;
}

export function renderCheckRun(report: AppReport, opts: CheckRunOptions): CheckRunOutput {
  const max = Math.min(opts.maxChars ?? CHECK_RUN_TEXT_MAX_CHARS, CHECK_RUN_TEXT_MAX_CHARS);
  return {
    title: truncateWithEllipsis(countsTitle(report), 200),
    summary: renderSummary(report, opts.headSha),
    text: renderText(report, max),
    // Changes and drift are what a plan is for; only errors (render, validation, checks) fail the
    // check; check warnings make it neutral.
    conclusion: report.errors.length > 0 ? 'failure' : checksConclusion(report.checks?.result),
    annotations: [
      ...errorsToAnnotations(report.errors),
      ...(report.checks ? [...findingsToAnnotations(report.checks.result.findings), ...notesToAnnotations(report.checks.notes)] : []),
    ],
  };
}


