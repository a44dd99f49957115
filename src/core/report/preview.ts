// The preview section of the sticky PR comment: one row per app (status, URL, commit, expiry) and a
// line per problem at its file:line. It sits between its own markers at the end of the comment, so the
// plan job and the preview job each rewrite their part without losing the other's. Pure.
import type { SourceLocation } from '../model/object.ts';
import { escapeMarkdown, inlineCode, shortSha, truncateWithEllipsis } from './text.ts';

export const PREVIEW_START = '<!-- driftguard:preview -->';
export const PREVIEW_END = '<!-- /driftguard:preview -->';

/** Room the plan leaves in the comment for this section; the section never grows past it. */
export const PREVIEW_SECTION_MAX_CHARS = 6000;

export type PreviewEntryState = 'deploying' | 'ready' | 'failed' | 'deleting' | 'gone' | 'waiting';

export interface PreviewEntry {
  app: string;
  state: PreviewEntryState;
  headSha: string;
  namespace?: string;
  url?: string;
  /** Aggregate health when deployed. */
  health?: string;
  /** ms since the epoch; undefined when it does not expire (kept by label) or is gone. */
  expiresAt?: number;
  /** Why it failed, why it is gone, or what it waits for (one line; Markdown allowed, already escaped). */
  message?: string;
  location?: SourceLocation;
}

const STATUS: Record<PreviewEntryState, string> = {
  deploying: '⏳ Deploying',
  ready: '✅ Ready',
  failed: '❌ Failed',
  deleting: '🗑️ Deleting',
  gone: '🗑️ Deleted',
  waiting: '⏸️ Waiting',
};

/** `2026-12-11 02:20 UTC` */
export function utcMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The section, or '' when there is nothing to say. `notes` are extra lines (fork approval, waiting for a slot). */
export function renderPreviewSection(entries: readonly PreviewEntry[], notes: readonly string[] = []): string {
  if (entries.length === 0 && notes.length === 0) return '';
  const rows = entries.map((e) => {
    const status = `${STATUS[e.state]}${e.state === 'ready' && e.health && e.health !== 'Healthy' ? ` (${escapeMarkdown(e.health)})` : e.state === 'ready' ? ' (Healthy)' : ''}`;
    const url = e.url && e.state !== 'gone' ? `<${e.url}>` : '—';
    const expires = e.expiresAt !== undefined && e.state !== 'gone' ? utcMinute(e.expiresAt) : '—';
    return `| ${escapeMarkdown(e.app)} | ${status} | ${url} | ${inlineCode(shortSha(e.headSha))} | ${e.namespace ? inlineCode(e.namespace) : '—'} | ${expires} |\n`;
  });
  const lines = entries.filter((e) => e.message).map((e) => {
    const where = e.location ? `${inlineCode(`${e.location.file}:${e.location.line}`)}: ` : '';
    return `- **${escapeMarkdown(e.app)}**: ${where}${truncateWithEllipsis(e.message!, 600)}\n`;
  });
  const table = rows.length ? `| App | Preview | URL | Commit | Namespace | Expires |\n| --- | --- | --- | --- | --- | --- |\n${rows.join('')}` : '';
  const extra = notes.map((n) => `${n}\n`).join('');
  const inner = `### Preview environments\n\n${table}${lines.length ? `\n${lines.join('')}` : ''}${extra ? `\n${extra}` : ''}`;
  const room = PREVIEW_SECTION_MAX_CHARS - PREVIEW_START.length - PREVIEW_END.length - 3;
  return `${PREVIEW_START}\n${truncateWithEllipsis(inner, room)}\n${PREVIEW_END}\n`;
}

/** `body` with its preview section replaced by `section` (removed when empty, appended when absent). */
export function withPreviewSection(body: string, section: string): string {
  const start = body.indexOf(PREVIEW_START);
  const end = body.indexOf(PREVIEW_END);
  let rest = body;
  if (start >= 0 && end > start) {
    const after = body.slice(end + PREVIEW_END.length).replace(/^\n/, '');
    // The blank line put before the section goes with it.
    rest = after ? body.slice(0, start) + after : body.slice(0, start).replace(/\n+$/, '\n');
  }
  if (!section) return rest;
  return `${rest.replace(/\n*$/, '')}\n\n${section}`;
}
