// Self-heal pacing: the first heal of some drifted fields waits the grace, each further heal of the SAME
// fields within the window waits twice as long (capped at 5 minutes), and after `limit` heals of the same
// fields within the window healing stops — something (a controller, an HPA, a person) keeps changing them
// back, and fighting it forever helps nobody. A heal that is still waiting is not queued again.

export interface HealRecord {
  /** ms since the epoch the heal was queued. */
  at: number;
  /** The drifted fields it healed (a stable signature: resource keys and JSON pointers). */
  fields: string;
  /** How long the heal waited before re-applying. */
  delayMs?: number;
}

export const HEAL_MAX_DELAY_MS = 300_000;
/** Heals of the same fields within this window count as the same fight. */
export const HEAL_WINDOW_MS = 30 * 60_000;
/** Heals of the same fields within the window before healing stops. */
export const HEAL_LIMIT = 3;

export type HealDecision =
  | { action: 'heal'; delayMs: number; attempt: number }
  | { action: 'pending' }
  | { action: 'stop'; heals: number };

export function decideHeal(heals: readonly HealRecord[], fields: string, now: number, graceMs: number, limit = HEAL_LIMIT): HealDecision {
  const recent = heals.filter((h) => h.fields === fields && now - h.at < HEAL_WINDOW_MS);
  const last = recent[recent.length - 1];
  // Queued but not yet due (plus the time a sync takes to start): the same drift seen again is that heal's.
  if (last && now < last.at + (last.delayMs ?? 0) + graceMs) return { action: 'pending' };
  if (recent.length >= limit) return { action: 'stop', heals: recent.length };
  return { action: 'heal', delayMs: Math.min(graceMs * 2 ** recent.length, HEAL_MAX_DELAY_MS), attempt: recent.length + 1 };
}
