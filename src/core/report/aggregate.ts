// One check run for every app of a commit (above the operator's threshold): a table of the apps with
// their outcome, then the details of the failing and changed ones, within GitHub's limits. Instead of
// one check run per app: at 80 content writes a minute, hundreds of runs take GitHub minutes.
import { CHECK_RUN_SUMMARY_MAX_CHARS, CHECK_RUN_TEXT_MAX_CHARS } from './limits.ts';
import { escapeMarkdown, shortSha, truncateWithEllipsis } from './text.ts';

/** GitHub's check-run conclusions (an app's run may end in any of them). */
export type AppConclusion = 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required';
type CheckConclusion = AppConclusion;

export interface AggregateOutput {
  conclusion: AppConclusion;
  title: string;
  summary: string;
  text: string;
}

/** What one app's job reported (what its own check run would have said). */
export interface AggregateEntry {
  app: string;
  conclusion: CheckConclusion;
  title: string;
  summary: string;
  /** The app's job changed something (created, updated or pruned). */
  changed?: boolean;
}

/** Per-app details are cut to this many characters, so one app cannot crowd out the others. */
export const AGGREGATE_DETAIL_MAX_CHARS = 4_000;

const OUTCOME: Record<CheckConclusion, string> = {
  success: '✅ success', failure: '❌ failure', neutral: '⚪ neutral', cancelled: '⏹ cancelled', skipped: '⏭ skipped', timed_out: '⌛ timed out', action_required: '⚠️ action required',
};

const FAILING: ReadonlySet<CheckConclusion> = new Set(['failure', 'timed_out', 'action_required']);

/** failure when any app failed, action_required over that when one waits for approval; else success. */
export function aggregateConclusion(entries: AggregateEntry[]): CheckConclusion {
  if (entries.some((e) => e.conclusion === 'failure' || e.conclusion === 'timed_out')) return 'failure';
  if (entries.some((e) => e.conclusion === 'action_required')) return 'action_required';
  return 'success';
}

const cell = (s: string) => escapeMarkdown(s).replace(/\r?\n/g, ' ');

/**
 * @param entries one per app in `apps` (apps without an entry are listed as not reported).
 * @param verb what the jobs did ('Synced', 'Planned').
 */
export function renderAggregateCheckRun(input: { sha: string; verb: string; apps: string[]; entries: AggregateEntry[]; maxSummary?: number; maxText?: number }): AggregateOutput {
  const maxSummary = input.maxSummary ?? CHECK_RUN_SUMMARY_MAX_CHARS;
  const maxText = input.maxText ?? CHECK_RUN_TEXT_MAX_CHARS;
  const byApp = new Map(input.entries.map((e) => [e.app, e]));
  const rows = input.apps.map((app) => byApp.get(app) ?? { app, conclusion: 'neutral' as const, title: 'not reported', summary: '' });
  const counts = new Map<CheckConclusion, number>();
  for (const r of rows) counts.set(r.conclusion, (counts.get(r.conclusion) ?? 0) + 1);
  const failed = rows.filter((r) => FAILING.has(r.conclusion));
  const changed = rows.filter((r) => r.changed && !FAILING.has(r.conclusion));
  const parts = [...counts].filter(([c]) => c !== 'success').map(([c, n]) => `${n} ${c.replace('_', ' ')}`);
  const conclusion = aggregateConclusion(rows);
  const title = `${input.verb} ${rows.length} apps at ${shortSha(input.sha)}${parts.length ? `: ${parts.join(', ')}` : ''}`;

  // Failing apps first, then changed ones, then the rest: what needs a look comes before what does not.
  const order = (r: AggregateEntry) => (FAILING.has(r.conclusion) ? 0 : r.changed ? 1 : 2);
  const sorted = [...rows].sort((a, b) => order(a) - order(b));
  const head = `| App | Outcome | |\n| --- | --- | --- |\n`;
  const intro = `${changed.length} changed, ${failed.length} failing, ${rows.length - changed.length - failed.length} unchanged or skipped. Details of the failing and changed apps are below.\n\n`;
  let summary = intro + head;
  let shown = 0;
  for (const r of sorted) {
    const line = `| ${cell(r.app)} | ${OUTCOME[r.conclusion]} | ${cell(truncateWithEllipsis(r.title, 200))} |\n`;
    // Room for the "N more" line.
    if (summary.length + line.length > maxSummary - 100) break;
    summary += line;
    shown++;
  }
  if (shown < sorted.length) summary += `\n… and ${sorted.length - shown} more apps (unchanged or skipped: see each app's deploy history).\n`;

  let text = '';
  let detailed = 0;
  const details = [...failed, ...changed];
  for (const r of details) {
    const block = `### ${cell(r.app)}: ${cell(r.title)}\n\n${truncateWithEllipsis(r.summary, AGGREGATE_DETAIL_MAX_CHARS)}\n\n`;
    if (text.length + block.length > maxText - 100) break;
    text += block;
    detailed++;
  }
  if (detailed < details.length) text += `… details of ${details.length - detailed} more apps left out (GitHub's size limit).\n`;
  return { conclusion, title: truncateWithEllipsis(title, 255), summary, text };
}
