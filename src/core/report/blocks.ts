// Resource diff blocks and the budget that decides which whole blocks fit.
import type { DiffAction, DiffResult, ResourceDiff } from '../diff/types.ts';
import { codeBlock, escapeMarkdown, inlineCode } from './text.ts';

export interface Block {
  /** Position in the original output order. */
  order: number;
  action: DiffAction;
  text: string;
}

const ACTION_LABEL: Record<DiffAction, string> = { create: 'create', update: 'update', delete: 'delete', none: 'unchanged' };

export function resourceTitle(r: Pick<ResourceDiff, 'group' | 'kind' | 'namespace' | 'name'>): string {
  const kind = r.group ? `${r.kind}.${r.group}` : r.kind;
  return `${escapeMarkdown(kind)} ${inlineCode(r.namespace ? `${r.namespace}/${r.name}` : r.name)}`;
}

/** One resource: a title line and its unified diff in a ```diff block that nothing inside can close. */
export function renderResourceBlock(r: ResourceDiff): string {
  const where = r.source ? ` · ${inlineCode(`${r.source.file}:${r.source.line}`)}` : '';
  const diff = r.diff || '(no textual diff)';
  return `**${ACTION_LABEL[r.action]}** ${resourceTitle(r)}${where}\n\n${codeBlock(diff, 'diff')}\n`;
}

export function modified(d: DiffResult): ResourceDiff[] {
  return d.resources.filter((r) => r.action !== 'none');
}

/**
 * Which blocks to show within `budget` characters. Only whole blocks are ever shown.
 * Priority is what a reviewer must not miss: deletions first (destructive), then updates (change
 * running things), then creations (new, usually the largest and least risky). Within a priority the
 * smaller block goes first, which shows the most resources for the space. The caller renders the
 * chosen blocks back in their original order so the comment still reads top to bottom.
 */
export function chooseBlocks(blocks: Block[], budget: number): Set<Block> {
  const rank: Record<DiffAction, number> = { delete: 0, update: 1, create: 2, none: 3 };
  const sorted = [...blocks].sort((a, b) => rank[a.action] - rank[b.action] || a.text.length - b.text.length || a.order - b.order);
  const chosen = new Set<Block>();
  let left = budget;
  for (const b of sorted) {
    if (b.text.length <= left) {
      chosen.add(b);
      left -= b.text.length;
    }
  }
  return chosen;
}
