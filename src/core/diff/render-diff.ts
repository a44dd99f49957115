// Text forms of a resource diff: deterministic YAML and a unified diff between them.
import { structuredPatch } from 'diff';
export { toYaml } from './to-yaml.ts';

/** Names of the two sides in the `---`/`+++` header lines. */
export interface DiffLabels {
  from: string;
  to: string;
}
export const DEFAULT_LABELS: DiffLabels = { from: 'live', to: 'desired' };

/** `--- live` / `+++ desired` unified diff, 3 lines of context; '' when the texts are equal. */
export function unifiedDiff(live: string, desired: string, labels: DiffLabels = DEFAULT_LABELS): string {
  if (live === desired) return '';
  const p = structuredPatch(labels.from, labels.to, live, desired, undefined, undefined, { context: 3 });
  const out = [`--- ${labels.from}`, `+++ ${labels.to}`];
  for (const h of p.hunks) {
    // GNU convention (as jsdiff's formatPatch): an empty range starts at the line before it.
    const oldStart = h.oldLines === 0 ? h.oldStart - 1 : h.oldStart;
    const newStart = h.newLines === 0 ? h.newStart - 1 : h.newStart;
    out.push(`@@ -${oldStart},${h.oldLines} +${newStart},${h.newLines} @@`);
    out.push(...h.lines);
  }
  return `${out.join('\n')}\n`;
}
