// Severity per rule: the built-in default, overridden by the operator config, then tightened (never
// loosened) by the repository's config. The order is off < warning < error; a repo setting below the
// operator's is refused and reported, and the operator's severity stays.
import { defaultSeverities } from './rules.ts';
import type { Severity } from './types.ts';

const RANK: Record<Severity, number> = { off: 0, warning: 1, error: 2 };

export interface RefusedLoosening {
  rule: string;
  operator: Severity;
  requested: Severity;
}

export interface EffectiveSeverities {
  severities: Record<string, Severity>;
  refused: RefusedLoosening[];
}

export function effectiveSeverities(operator: Record<string, Severity> = {}, repo: Record<string, Severity> = {}): EffectiveSeverities {
  const severities: Record<string, Severity> = { ...defaultSeverities(), ...operator };
  const refused: RefusedLoosening[] = [];
  for (const [rule, requested] of Object.entries(repo)) {
    const current = severities[rule] ?? 'off';
    if (RANK[requested] >= RANK[current]) severities[rule] = requested;
    else refused.push({ rule, operator: current, requested });
  }
  return { severities, refused };
}
