// The operator's `drift:` block: scan interval, self-heal grace and watch debounce, each a duration
// (`3m`, `90s`) with bounds that keep a typo from scanning every app every second or never.
import type { OperatorDriftConfig } from './types.ts';
import type { ConfigProblem, YamlSource } from './yaml-source.ts';
import { parseDuration } from '../preview/templates.ts';

export const DEFAULT_DRIFT: OperatorDriftConfig = { intervalMs: 180_000, selfHealGraceMs: 5_000, debounceMs: 2_000 };

const BOUNDS: Record<'interval' | 'selfHealGrace' | 'debounce', { key: keyof OperatorDriftConfig; min: number; max: number; hint: string }> = {
  interval: { key: 'intervalMs', min: 10_000, max: 24 * 3_600_000, hint: 'between 10s and 24h, e.g. 3m' },
  selfHealGrace: { key: 'selfHealGraceMs', min: 1_000, max: 300_000, hint: 'between 1s and 5m, e.g. 5s' },
  debounce: { key: 'debounceMs', min: 1_000, max: 300_000, hint: 'between 1s and 5m, e.g. 2s' },
};

export function parseOperatorDrift(src: YamlSource): { drift?: OperatorDriftConfig; problems: ConfigProblem[] } {
  const raw = (src.value as { drift?: Record<string, string> }).drift;
  if (!raw) return { problems: [] };
  const drift: OperatorDriftConfig = { ...DEFAULT_DRIFT };
  const problems: ConfigProblem[] = [];
  for (const [name, b] of Object.entries(BOUNDS)) {
    const text = raw[name];
    if (text === undefined) continue;
    const ms = parseDuration(text);
    if (ms === undefined || ms < b.min || ms > b.max) problems.push({ message: `drift.${name}: "${text}" must be a duration ${b.hint}`, location: src.locate(['drift', name]) });
    else drift[b.key] = ms;
  }
  return { drift, problems };
}
