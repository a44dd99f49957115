// Small, pure text helpers for Markdown output: safe truncation, fences, escaping.

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * At most `maxChars` UTF-16 code units of `s`, never ending between the two halves of a surrogate
 * pair (emoji, rare CJK), so the result is always valid UTF-8 once encoded.
 */
export function truncateUtf8Safe(s: string, maxChars: number): string {
  if (maxChars <= 0) return '';
  if (s.length <= maxChars) return s;
  let end = maxChars;
  if (isHighSurrogate(s.charCodeAt(end - 1))) end -= 1;
  return s.slice(0, end);
}

/** Like truncateUtf8Safe, but appends `ellipsis` when it cut, staying within `maxChars`. */
export function truncateWithEllipsis(s: string, maxChars: number, ellipsis = '…'): string {
  if (s.length <= maxChars) return s;
  return truncateUtf8Safe(s, Math.max(0, maxChars - ellipsis.length)) + ellipsis;
}

/** The backtick fence that cannot be closed by anything inside `content`: longer than its longest run. */
export function fenceFor(content: string): string {
  let longest = 0;
  for (const m of content.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

/** A fenced code block; the content's own backticks can never close it. */
export function codeBlock(content: string, lang = ''): string {
  const body = content.endsWith('\n') ? content : `${content}\n`;
  const fence = fenceFor(content);
  return `${fence}${lang}\n${body}${fence}\n`;
}

/** Inline code span safe for any content (CommonMark: longer backtick run, padded with spaces). */
export function inlineCode(s: string): string {
  const clean = s.replace(/[\r\n]+/g, ' ');
  let longest = 0;
  for (const m of clean.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const ticks = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') || longest > 0 ? ' ' : '';
  return `${ticks}${pad}${clean}${pad}${ticks}`;
}

/** Escape text for HTML contexts (`<summary>`, table cells that GitHub may parse as HTML). */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Escape text so Markdown renders it literally, on one line: emphasis, links, code, headings,
 * tables and raw HTML all neutralised. Also safe inside a table cell.
 */
export function escapeMarkdown(s: string): string {
  // `-`, `+`, `#` and `1.` only start blocks at the beginning of a line; escaping them mid-text would
  // only litter the raw text (and the plain-text forms people grep for).
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_{}[\]()|~>]/g, (c) => `\\${c}`)
    .replace(/^[#+\-!]/, (m) => `\\${m}`)
    .replace(/^(\d+)([.)])/, '$1\\$2')
    .replace(/</g, '&lt;')
    .replace(/@/g, '@\u200b'); // no accidental @mentions of users or teams
}

/** Shortened commit SHA as GitHub shows it. */
export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}
