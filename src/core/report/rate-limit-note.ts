// The line a report carries when its requests waited for GitHub's limits, so a slow report says why.
import { CHECK_RUN_SUMMARY_MAX_CHARS } from './limits.ts';
import { truncateWithEllipsis } from './text.ts';

export interface RateLimitWaits {
  /** ms spent waiting for the secondary (content-creation) limit. */
  writeLimitMs: number;
  /** ms spent waiting for the primary limit's reset. */
  primaryLimitMs: number;
}

/** Waits shorter than this are pacing, not worth a line. */
export const NOTE_MIN_MS = 1_000;

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** '' when nothing waited noticeably, else one Markdown line. */
export function rateLimitNote(w: RateLimitWaits): string {
  const parts: string[] = [];
  if (w.writeLimitMs >= NOTE_MIN_MS) parts.push(`${seconds(w.writeLimitMs)} for GitHub's write limit`);
  if (w.primaryLimitMs >= NOTE_MIN_MS) parts.push(`${seconds(w.primaryLimitMs)} for GitHub's rate limit to reset`);
  return parts.length ? `_Driftguard waited ${parts.join(' and ')} while reporting._` : '';
}

/** The summary with the note appended, within GitHub's summary limit (the note is kept whole). */
export function withRateLimitNote(summary: string, w: RateLimitWaits, maxChars = CHECK_RUN_SUMMARY_MAX_CHARS): string {
  const note = rateLimitNote(w);
  if (!note) return summary;
  return `${truncateWithEllipsis(summary, Math.max(0, maxChars - note.length - 2))}\n\n${note}`;
}
