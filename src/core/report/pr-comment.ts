// The sticky PR comment: a hidden marker (to find and edit it in place), a summary table, then one
// <details> per app separating what the PR changes from drift that merging will overwrite.
import type { HealthStatus } from '../health/types.ts';
import type { DiffResult } from '../diff/types.ts';
import type { AppReport } from './types.ts';
import { COMMENT_MAX_CHARS } from './limits.ts';
import { chooseBlocks, modified, renderResourceBlock, type Block } from './blocks.ts';
import { escapeHtml, escapeMarkdown, inlineCode, shortSha, truncateWithEllipsis } from './text.ts';
import { checksLine } from './checks.ts';
import { hookList } from './hooks.ts';

export const MARKER = '<!-- driftguard:plan -->';

/** True when `body` is a Driftguard plan comment (the marker opens the body, or sits on its own line). */
export function findMarker(body: string | null | undefined, marker = MARKER): boolean {
  if (!body) return false;
  return body.trimStart().startsWith(marker) || body.split(/\r?\n/).some((l) => l.trim() === marker);
}

export interface PrCommentInput {
  reports: AppReport[];
  headSha: string;
  baseSha?: string;
  marker?: string;
  maxChars?: number;
}

export function changeCounts(d: DiffResult): string {
  return `+${d.summary.create} ~${d.summary.update} −${d.summary.delete}`;
}

function driftCount(d: DiffResult): number {
  return d.summary.create + d.summary.update + d.summary.delete;
}

function healthText(h: HealthStatus | undefined): string {
  return h ?? '—';
}

function checkRunPointer(r: AppReport): string {
  const name = `driftguard / ${r.app}`;
  return r.checkRunUrl ? `[${escapeMarkdown(name)}](${r.checkRunUrl})` : inlineCode(name);
}

function header(input: PrCommentInput, marker: string): string {
  const base = input.baseSha ? ` against base ${inlineCode(shortSha(input.baseSha))}` : '';
  return `${marker}\n### Driftguard plan for ${inlineCode(shortSha(input.headSha))}${base}\n\n`;
}

function tableRow(r: AppReport): string {
  const errors = r.errors.length > 0 ? ` (${r.errors.length} error${r.errors.length === 1 ? '' : 's'})` : '';
  return `| ${escapeMarkdown(r.app)}${errors} | ${escapeMarkdown(`${r.cluster}/${r.namespace}`)} | ${changeCounts(r.changes)} | ${healthText(r.health)} | ${driftCount(r.drift)} |\n`;
}

/** One short "Checks" line per app that ran checks; the findings themselves are in the check runs. */
function checksBlock(reports: AppReport[]): string {
  const checked = reports.filter((r) => r.checks);
  if (checked.length === 0) return '';
  const lines = checked.map((r) => `- **Checks** ${escapeMarkdown(r.app)}: ${checksLine(r.checks!.result)} — details in ${checkRunPointer(r)}\n`);
  return `${lines.join('')}\n`;
}

/** One "Hooks" line per app whose head render has sync hooks: what a merge that changes the app runs. */
function hooksBlock(reports: AppReport[]): string {
  const lines = reports.filter((r) => r.hooks?.length).map((r) => `- **Hooks** ${escapeMarkdown(r.app)}: a sync of this change runs ${hookList(r.hooks!)}\n`);
  return lines.length ? `${lines.join('')}\n` : '';
}

const TABLE_HEAD = '| App | Cluster/Namespace | Changes (+add ~change −delete) | Health | Drift |\n| --- | --- | --- | --- | --- |\n';

function renderErrors(r: AppReport): string {
  if (r.errors.length === 0) return '';
  const lines = r.errors.map((e) => {
    const where = e.location ? `${inlineCode(`${e.location.file}:${e.location.line}`)}: ` : '';
    return `- ${where}${escapeMarkdown(truncateWithEllipsis(e.message, 500))}\n`;
  });
  return `#### Errors\n\n${lines.join('')}\n`;
}

interface Section {
  title: string;
  empty: string;
  blocks: Block[];
}

interface AppLayout {
  report: AppReport;
  sections: Section[];
}

function omittedNote(n: number, r: AppReport): string {
  return n > 0 ? `_…${n} more resource${n === 1 ? '' : 's'} not shown here; see the check run ${checkRunPointer(r)}._\n\n` : '';
}

function renderApp(app: AppLayout, shown: Set<Block> | 'all'): string {
  const r = app.report;
  const summary = `<b>${escapeHtml(r.app)}</b> — ${escapeHtml(`${r.cluster}/${r.namespace}`)}: ${escapeHtml(changeCounts(r.changes))}, drift ${driftCount(r.drift)}, ${escapeHtml(healthText(r.health))}`;
  let out = `<details><summary>${summary}</summary>\n\n${renderErrors(r)}`;
  for (const s of app.sections) {
    out += `#### ${s.title}\n\n`;
    if (s.blocks.length === 0) {
      out += `${s.empty}\n\n`;
      continue;
    }
    const visible = shown === 'all' ? s.blocks : s.blocks.filter((b) => shown.has(b));
    for (const b of visible) out += b.text;
    out += omittedNote(s.blocks.length - visible.length, r);
  }
  return `${out}</details>\n\n`;
}

function truncationLine(shown: number, total: number, reports: AppReport[]): string {
  if (shown >= total) return '';
  const pointers = reports.map(checkRunPointer).join(', ');
  return `> **truncated: ${shown} of ${total} resources shown** (GitHub limits a comment's size). The full diffs are in the check runs: ${pointers}.\n`;
}

/** The comment's Markdown, always within `maxChars` (UTF-16 units; see limits.ts). */
export function renderPrComment(input: PrCommentInput): string {
  const marker = input.marker ?? MARKER;
  const max = input.maxChars ?? COMMENT_MAX_CHARS;
  const reports = input.reports;

  const nothing = reports.every((r) => modified(r.changes).length === 0 && modified(r.drift).length === 0 && r.errors.length === 0);
  if (nothing) {
    const apps = reports.length === 0 ? 'no apps are affected by this PR' : `${reports.length} app${reports.length === 1 ? '' : 's'} checked: ${reports.map((r) => `${escapeMarkdown(r.app)} (${healthText(r.health)})`).join(', ')}`;
    const checks = reports.some((r) => r.checks && r.checks.result.findings.length > 0) ? `\n${checksBlock(reports)}` : '';
    return truncateWithEllipsis(`${header(input, marker)}**No changes**: this PR changes nothing in the cluster and there is no drift to overwrite (${apps}).\n${checks}`, max);
  }

  let order = 0;
  const layouts: AppLayout[] = reports.map((report) => ({
    report,
    sections: [
      { title: 'What this PR changes', empty: '_No changes._', blocks: modified(report.changes).map((d) => ({ order: order++, action: d.action, text: renderResourceBlock(d) })) },
      { title: 'Drift already in the cluster that merging will overwrite', empty: '_No drift._', blocks: modified(report.drift).map((d) => ({ order: order++, action: d.action, text: renderResourceBlock(d) })) },
    ],
  }));
  const allBlocks = layouts.flatMap((l) => l.sections.flatMap((s) => s.blocks));
  const total = allBlocks.length;

  const render = (shown: Set<Block>): string => {
    let out = header(input, marker) + TABLE_HEAD + reports.map(tableRow).join('') + '\n' + checksBlock(reports) + hooksBlock(reports);
    for (const l of layouts) out += renderApp(l, shown);
    return out + truncationLine(shown.size, total, reports);
  };

  // The frame with no diff shown, with the truncation line at its widest, is what the blocks must share.
  const frame = render(new Set()).length + String(total).length;
  if (frame <= max) {
    const chosen = chooseBlocks(allBlocks, max - frame);
    let out = render(chosen);
    // Notes only shrink as blocks are added, so this holds; the loop is a guard, not a strategy.
    while (out.length > max && chosen.size > 0) {
      const largest = [...chosen].reduce((a, b) => (b.text.length > a.text.length ? b : a));
      chosen.delete(largest);
      out = render(chosen);
    }
    if (out.length <= max) return out;
  }
  return renderCompact(input, marker, max, total);
}

/** So many apps that even the frame does not fit: the table alone, cut by rows. */
function renderCompact(input: PrCommentInput, marker: string, max: number, total: number): string {
  const reports = input.reports;
  const tail = (n: number): string => `\n> **truncated: 0 of ${total} resources shown, ${n} of ${reports.length} apps listed.** The full diffs are in each app's check run (${inlineCode('driftguard / <app>')}).\n`;
  let out = header(input, marker) + TABLE_HEAD;
  let n = 0;
  for (const r of reports) {
    const row = tableRow(r);
    if (out.length + row.length + tail(reports.length).length > max) break;
    out += row;
    n++;
  }
  return truncateWithEllipsis(out + tail(n), max);
}
