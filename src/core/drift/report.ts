// The drift issue, its comments and the drift check run, as Markdown. Pure: the worker decides when to
// write them; the body carries no scan time, so an unchanged drift renders byte-for-byte the same and a
// scan that finds nothing new sends nothing to GitHub. Diffs come from core/diff (Secret values masked).
import type { ResourceDiff } from '../diff/types.ts';
import { keyString } from '../model/object.ts';
import { chooseBlocks, renderResourceBlock, resourceTitle, type Block } from '../report/blocks.ts';
import { escapeMarkdown, inlineCode, shortSha, truncateWithEllipsis } from '../report/text.ts';
import type { FieldChange } from './attribute.ts';

export interface DriftedResource {
  diff: ResourceDiff;
  changes: FieldChange[];
}

export type SelfHealState =
  | { state: 'off' }
  | { state: 'healing'; attempt: number; delayMs: number }
  | { state: 'pending' }
  | { state: 'stopped'; heals: number; managers: string[] }
  | { state: 'paused'; sha: string; since: string; by: string; revertPr?: number };

export interface DriftReportInput {
  repo: string;
  app: string;
  cluster: string;
  namespace: string;
  /** The revision the cluster is compared with (the paused-at SHA while auto-sync is paused). */
  sha: string;
  branch: string;
  drifted: DriftedResource[];
  /** Lines about what the scan could not do (unreadable objects). */
  problems: string[];
  selfHeal: SelfHealState;
  /** When this drift was first seen (RFC 3339). */
  since: string;
}

const ISSUE_BUDGET = 60_000;
const ACTION: Record<string, string> = { update: 'changed in the cluster', create: 'missing from the cluster', delete: 'in the cluster, not in Git' };

/** The hidden marker a drift issue is found by (one issue per repository and app). */
export const driftMarker = (repo: string, app: string) => `<!-- driftguard:drift ${repo.toLowerCase()} ${app} -->`;
export const driftIssueTitle = (app: string, cluster: string, namespace: string) => `Drift: ${app} on ${cluster}/${namespace}`;
export const driftCheckName = (app: string) => `driftguard / drift / ${app}`;

export const resourceKey = (r: ResourceDiff) => keyString(r);

/** The drifted fields, as one stable string (resource keys and pointers, sorted): what a heal fixes. */
export function fieldsSignature(drifted: readonly DriftedResource[]): string {
  return drifted.map((d) => `${resourceKey(d.diff)}${d.diff.action === 'update' ? `#${[...new Set(d.changes.map((c) => c.path))].sort().join(',')}` : `!${d.diff.action}`}`).sort().join(';');
}

/** Field managers (other than ours) that last wrote the drifted fields, most frequent first. */
export function driftManagers(drifted: readonly DriftedResource[], ourManager: string): string[] {
  const n = new Map<string, number>();
  for (const d of drifted) for (const c of d.changes) if (c.manager && c.manager !== ourManager) n.set(c.manager, (n.get(c.manager) ?? 0) + 1);
  return [...n].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([m]) => m);
}

/** An `ignoreDifferences` entry per drifted resource that covers exactly its drifted fields. */
export function suggestIgnoreRules(drifted: readonly DriftedResource[]): string {
  const lines = ['ignoreDifferences:'];
  for (const d of drifted) {
    if (d.diff.action !== 'update') continue;
    const pointers = [...new Set(d.changes.map((c) => c.path))].sort();
    if (pointers.length === 0) continue;
    lines.push(`  - group: ${JSON.stringify(d.diff.group)}`, `    kind: ${d.diff.kind}`, `    name: ${d.diff.name}`);
    if (d.diff.namespace) lines.push(`    namespace: ${d.diff.namespace}`);
    lines.push('    jsonPointers:', ...pointers.map((p) => `      - ${JSON.stringify(p)}`));
  }
  return lines.length > 1 ? `${lines.join('\n')}\n` : '';
}

function who(c: FieldChange): string {
  if (!c.manager) return 'unknown (no managedFields entry)';
  const how = [c.operation, c.subresource ? `via /${c.subresource}` : ''].filter(Boolean).join(' ');
  return `${inlineCode(c.manager)}${how ? ` (${escapeMarkdown(how)})` : ''}${c.lastWriter ? ', newest writer of the object' : ''}`;
}

function changesTable(drifted: readonly DriftedResource[]): string {
  const rows = ['| Resource | Drift | Field | Last changed by | When |', '|---|---|---|---|---|'];
  for (const d of drifted) {
    const what = ACTION[d.diff.action] ?? d.diff.action;
    if (d.changes.length === 0) rows.push(`| ${resourceTitle(d.diff)} | ${what} | | | |`);
    for (const c of d.changes.slice(0, 20)) rows.push(`| ${resourceTitle(d.diff)} | ${what} | ${inlineCode(c.path)} | ${who(c)} | ${c.time ?? (c.manager ? 'not recorded' : '')} |`);
    if (d.changes.length > 20) rows.push(`| ${resourceTitle(d.diff)} | | … ${d.changes.length - 20} more field(s) | | |`);
  }
  return rows.join('\n');
}

function selfHealLines(r: DriftReportInput): string {
  const s = r.selfHeal;
  switch (s.state) {
    case 'off': return 'Self-heal is off for this app (`syncPolicy.selfHeal: true` re-applies Git\'s state on drift).';
    case 'pending': return 'Self-heal: a re-apply of Git\'s state is queued.';
    case 'healing': return `Self-heal: re-applying Git's state in ${Math.round(s.delayMs / 1000)} s (heal ${s.attempt} of these fields).`;
    case 'paused': return `Auto-sync and self-heal are **paused** since ${s.since} by @${s.by} after a rollback to ${inlineCode(shortSha(s.sha))}${s.revertPr ? ` (revert PR #${s.revertPr})` : ''}: drift is measured against that revision. \`/driftguard resume ${r.app}\` resumes.`;
    case 'stopped': {
      const rules = suggestIgnoreRules(r.drifted);
      return [
        `**Self-heal stopped**: these fields were re-applied ${s.heals} times and changed back each time${s.managers.length ? ` by ${s.managers.map((m) => inlineCode(m)).join(', ')}` : ''}. Something keeps changing them; Driftguard no longer fights it.`,
        rules ? `If that writer is meant to own them, add to the app in \`.github/driftguard.yml\`:\n\n\`\`\`yaml\n${rules}\`\`\`` : '',
      ].filter(Boolean).join('\n\n');
    }
  }
}

/** The issue body (marker first). */
export function renderDriftIssue(r: DriftReportInput): string {
  const head = [
    driftMarker(r.repo, r.app),
    `**${escapeMarkdown(r.app)}** on ${inlineCode(`${r.cluster}/${r.namespace}`)} differs from Git: ${r.drifted.length} resource(s) drifted from ${inlineCode(shortSha(r.sha))} on ${inlineCode(r.branch)} (first seen ${r.since}).`,
    '',
    changesTable(r.drifted),
    '',
    ...(r.problems.length ? ['**Scan problems**', '', ...r.problems.map((p) => `- ${p}`), ''] : []),
    selfHealLines(r),
    '',
    '### Fix it',
    '',
    `- Re-apply Git's state: comment ${inlineCode(`/driftguard sync ${r.app}`)} here or on any pull request.`,
    `- Go back to the previous deploy: ${inlineCode(`/driftguard rollback ${r.app} previous`)}.`,
    '- Keep the change: commit it to Git (or ignore the fields with `ignoreDifferences`); this issue closes by itself once the cluster matches Git.',
    '',
    '### Diff (live → Git)',
    '',
  ].join('\n');
  const tail = '\n<sub>Driftguard drift scan · updated in place while the drift lasts</sub>';
  const blocks: Block[] = r.drifted.map((d, i) => ({ order: i, action: d.diff.action, text: renderResourceBlock({ ...d.diff, diff: d.diff.diff }) }));
  const budget = ISSUE_BUDGET - head.length - tail.length - 200;
  const chosen = chooseBlocks(blocks, budget);
  const shown = blocks.filter((b) => chosen.has(b)).map((b) => b.text).join('\n');
  const hidden = blocks.length - chosen.size;
  return truncateWithEllipsis(`${head}${shown}${hidden ? `\n_${hidden} more resource diff(s) do not fit here._\n` : ''}${tail}`, ISSUE_BUDGET);
}

/** The check run output of a drifted app: the same table, the diff as its text. */
export function renderDriftCheck(r: DriftReportInput): { title: string; summary: string } {
  return { title: `Drift: ${r.drifted.length} resource(s) differ from Git`, summary: truncateWithEllipsis(renderDriftIssue(r).replace(`${driftMarker(r.repo, r.app)}\n`, ''), 65_000) };
}

/** Comment when the set of drifted resources changes while the issue stays open. */
export function renderDriftChangedComment(added: string[], removed: string[]): string {
  const list = (xs: string[]) => xs.map((x) => inlineCode(x)).join(', ');
  return [
    'The drifted resources changed:',
    added.length ? `- now drifted: ${list(added)}` : '',
    removed.length ? `- back in sync: ${list(removed)}` : '',
  ].filter(Boolean).join('\n');
}

export function renderResolvedComment(app: string, sha: string): string {
  return `Resolved: **${escapeMarkdown(app)}** matches Git again (${inlineCode(shortSha(sha))}). Closing.`;
}
