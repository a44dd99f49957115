// Sync reports: the one-line comment on merged PRs and the per-resource check run on the commit.
import type { HealthStatus } from '../health/types.ts';
import type { CheckConclusion, CheckRunOutput, SyncCheckRunInput, SyncResourceResult, SyncSummary } from './types.ts';
import { CHECK_RUN_TEXT_MAX_CHARS } from './limits.ts';
import { escapeMarkdown, inlineCode, shortSha, truncateWithEllipsis } from './text.ts';

/** "Synced abc1234 to production/web: 3 created, 2 updated, 1 pruned — Healthy" (+ ", 1 failed"). */
export function renderSyncComment(r: SyncSummary): string {
  const failed = r.failed ? `, ${r.failed} failed` : '';
  return `Synced ${shortSha(r.sha)} to ${escapeMarkdown(r.cluster)}/${escapeMarkdown(r.namespace)}: ${r.created} created, ${r.updated} updated, ${r.pruned} pruned${failed} — ${r.health}`;
}

/** Counts for the comment from per-resource results. */
export function summarizeSync(results: SyncResourceResult[]): { created: number; updated: number; pruned: number; failed: number; unchanged: number; skipped: number } {
  const c = { created: 0, updated: 0, pruned: 0, failed: 0, unchanged: 0, skipped: 0 };
  for (const r of results) {
    if (r.outcome === 'failed') c.failed++;
    else if (r.outcome === 'pruned') c.pruned++;
    else if (r.outcome === 'unchanged') c.unchanged++;
    else if (r.outcome === 'skipped') c.skipped++;
    else if (r.action === 'create') c.created++;
    else if (r.action === 'delete') c.pruned++;
    else c.updated++;
  }
  return c;
}

const FINAL_OK: ReadonlySet<HealthStatus> = new Set(['Healthy', 'Suspended']);

export function syncConclusion(input: Pick<SyncCheckRunInput, 'results' | 'health' | 'error'>): CheckConclusion {
  if (input.error || input.results.some((r) => r.outcome === 'failed')) return 'failure';
  if (FINAL_OK.has(input.health)) return 'success';
  // Still progressing when the worker stopped waiting: not a failure yet, not a success either.
  if (input.health === 'Progressing') return 'neutral';
  return 'failure';
}

function cell(s: string): string {
  return escapeMarkdown(truncateWithEllipsis(s, 300));
}

export function renderSyncCheckRun(input: SyncCheckRunInput): Omit<CheckRunOutput, 'annotations'> & { annotations: [] } {
  const max = Math.min(input.maxChars ?? CHECK_RUN_TEXT_MAX_CHARS, CHECK_RUN_TEXT_MAX_CHARS);
  const c = summarizeSync(input.results);
  const conclusion = syncConclusion(input);
  const counts = `${c.created} created, ${c.updated} updated, ${c.pruned} pruned${c.failed ? `, ${c.failed} failed` : ''}`;
  const title = input.error
    ? truncateWithEllipsis(`Sync failed: ${input.error}`, 200)
    : `${counts} — ${input.health}`;
  const summary = [
    `Synced ${inlineCode(shortSha(input.sha))} of **${escapeMarkdown(input.app)}** to ${escapeMarkdown(`${input.cluster}/${input.namespace}`)}: ${counts}, ${c.unchanged} unchanged${c.skipped ? `, ${c.skipped} skipped` : ''}.`,
    '',
    `Health: **${input.health}**`,
    ...(input.error ? ['', `**Error:** ${escapeMarkdown(truncateWithEllipsis(input.error, 2000))}`] : []),
    '',
  ].join('\n');

  // Failures first, then changes, then the unchanged rest: the rows that matter survive truncation.
  const rank: Record<SyncResourceResult['outcome'], number> = { failed: 0, pruned: 1, applied: 2, skipped: 3, unchanged: 4 };
  const rows = [...input.results].sort((a, b) => rank[a.outcome] - rank[b.outcome]).map((r) => {
    const kind = r.group ? `${r.kind}.${r.group}` : r.kind;
    const name = r.namespace ? `${r.namespace}/${r.name}` : r.name;
    return `| ${r.outcome} | ${cell(kind)} | ${inlineCode(name)} | ${r.action} | ${r.health ?? ''} | ${cell(r.message ?? '')} |\n`;
  });
  let text = '| Result | Kind | Name | Action | Health | Message |\n| --- | --- | --- | --- | --- | --- |\n';
  const tail = (n: number): string => `\n> truncated: ${n} of ${rows.length} resources shown.\n`;
  let shown = 0;
  for (const row of rows) {
    if (text.length + row.length + tail(rows.length).length > max) break;
    text += row;
    shown++;
  }
  if (shown < rows.length) text += tail(shown);
  if (rows.length === 0) text = '_No resources._\n';
  return { title, summary, text, conclusion, annotations: [] };
}
