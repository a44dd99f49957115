// How the PR plan names the sync hooks a merge would run.
import { escapeMarkdown, inlineCode } from './text.ts';
import type { PlannedHook } from './types.ts';

export function hookLabel(h: PlannedHook): string {
  return `${h.phase} ${escapeMarkdown(h.kind)} ${inlineCode(h.namespace ? `${h.namespace}/${h.name}` : h.name)}${h.wave !== 0 ? ` (wave ${h.wave})` : ''}`;
}

/** "PreSync Job `shop/migrate` (wave -1), PostSync Job `shop/notify`", in run order. */
export function hookList(hooks: PlannedHook[]): string {
  return hooks.map(hookLabel).join(', ');
}
