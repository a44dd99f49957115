// YAML parser errors in words a person understands. The `yaml` package reports what its grammar
// could not accept ("Nested mappings are not allowed in compact mappings") and often where it gave
// up rather than where the mistake is; these rules name the usual indentation and syntax mistakes,
// move the location to the line that holds them, and quote that line.

export interface FriendlyYamlError {
  message: string;
  line: number;
  column: number;
  /** The offending line with a caret under the column, for terminals and check-run details. */
  excerpt: string;
}

const indentOf = (s: string): number => s.length - s.trimStart().length;
const isBlank = (s: string | undefined): boolean => s === undefined || s.trim() === '' || s.trimStart().startsWith('#');
const keyOf = (s: string): string | undefined => /^\s*(?:-\s+)?([^\s:#][^:#]*?)\s*:(?:\s|$)/.exec(s)?.[1];

export function excerptAt(lines: string[], line: number, column: number): string {
  const text = (lines[line - 1] ?? '').replace(/\t/g, ' ');
  const n = String(line);
  return `  ${n} | ${text}\n  ${' '.repeat(n.length)} | ${' '.repeat(Math.max(0, column - 1))}^`;
}

/** Nearest earlier non-blank line at `line` or before (1-based), skipping comments. */
function prevLine(lines: string[], line: number): number | undefined {
  for (let i = line - 1; i >= 1; i--) if (!isBlank(lines[i - 1])) return i;
  return undefined;
}

function nextLine(lines: string[], line: number): number | undefined {
  for (let i = line + 1; i <= lines.length; i++) if (!isBlank(lines[i - 1])) return i;
  return undefined;
}

/** The lines above `line` that open its enclosing levels: strictly decreasing indentation upwards. */
function enclosing(lines: string[], line: number): Array<{ line: number; indent: number }> {
  const out: Array<{ line: number; indent: number }> = [];
  let limit = Infinity;
  for (let i = line - 1; i >= 1; i--) {
    const s = lines[i - 1]!;
    if (isBlank(s)) continue;
    const ind = indentOf(s);
    if (ind < limit) {
      out.push({ line: i, indent: ind });
      limit = ind;
      if (ind === 0) break;
    }
  }
  return out;
}

/** Unclosed quote: the last line at or before `line` with an odd count of `q`. */
function openingQuote(lines: string[], line: number, q: string): { line: number; column: number } | undefined {
  for (let i = Math.min(line, lines.length); i >= 1; i--) {
    const s = lines[i - 1]!;
    const idx = [...s].flatMap((c, j) => (c === q ? [j] : []));
    if (idx.length % 2 === 1) return { line: i, column: idx[idx.length - 1]! + 1 };
  }
  return undefined;
}

/** Unclosed flow collection: the last `[`/`{` before `line` not closed on its own line. */
function openingBracket(lines: string[], line: number): { line: number; column: number; char: string } | undefined {
  for (let i = Math.min(line, lines.length); i >= 1; i--) {
    const s = lines[i - 1]!;
    let depth = 0;
    for (let j = s.length - 1; j >= 0; j--) {
      const c = s[j]!;
      if (c === ']' || c === '}') depth++;
      else if (c === '[' || c === '{') {
        if (depth === 0) return { line: i, column: j + 1, char: c };
        depth--;
      }
    }
  }
  return undefined;
}

export function friendlyYamlError(text: string, code: string, raw: string, line: number, column: number): FriendlyYamlError {
  const lines = text.split(/\r?\n/);
  const at = (message: string, l = line, c = column): FriendlyYamlError => ({ message, line: l, column: c, excerpt: excerptAt(lines, l, c) });
  const src = lines[line - 1] ?? '';

  if (code === 'TAB_AS_INDENT') {
    return at(`line ${line} is indented with a tab; YAML indentation must use spaces (replace the tab with spaces)`);
  }
  if (code === 'DUPLICATE_KEY') {
    const key = keyOf(src);
    return at(`${key ? `\`${key}\`` : 'this key'} appears twice in the same mapping; keys must be unique (kubectl would keep only one of them)`);
  }
  if (code === 'MISSING_CHAR' && /quote/i.test(raw)) {
    const q = /'/.test(raw) && !/"/.test(raw) ? "'" : '"';
    const open = openingQuote(lines, line, q);
    if (open) return at(`the quoted string opened on line ${open.line} is never closed: add the closing ${q} quote`, open.line, open.column);
    return at(`a quoted string is never closed: add the closing ${q} quote`);
  }
  if (/Flow (sequence|map) in block collection/.test(raw)) {
    const open = openingBracket(lines, line);
    if (open) {
      const close = open.char === '[' ? ']' : '}';
      return at(`the ${open.char === '[' ? 'list' : 'mapping'} opened with \`${open.char}\` on line ${open.line} is never closed with \`${close}\` (or a following line is not indented enough to continue it)`, open.line, open.column);
    }
  }
  // `key:value` without a space is a plain string, which then runs into the next line as a key.
  const noSpace = /^\s*(?:-\s+)?([A-Za-z0-9_.\-/]+):([^\s/].*)$/.exec(src);
  if ((code === 'MULTILINE_IMPLICIT_KEY' || code === 'MISSING_CHAR') && noSpace && !/^\s*(?:-\s+)?[A-Za-z]+:\/\//.test(src)) {
    const col = indentOf(src) + src.trimStart().indexOf(':') + 2;
    return at(`\`${noSpace[1]}:${noSpace[2]}\` has no space after the colon, so YAML reads it as plain text instead of a key and its value: write \`${noSpace[1]}: ${noSpace[2]}\``, line, col);
  }
  if (code === 'BLOCK_AS_IMPLICIT_KEY' || code === 'MULTILINE_IMPLICIT_KEY' || code === 'MISSING_CHAR') {
    if (/^\s*-(\s|$)/.test(src)) {
      const sib = prevLine(lines, line);
      const sibKey = sib ? keyOf(lines[sib - 1]!) : undefined;
      const hint = sibKey && sib && indentOf(lines[sib - 1]!) === indentOf(src) ? `; to make it part of \`${sibKey}\` (line ${sib}), indent it further than \`${sibKey}\`` : '';
      return at(`a list item (\`${src.trim()}\`) stands among the keys of a mapping${hint}`, line, indentOf(src) + 1);
    }
    // `name: a: b`: a plain value cannot contain `: `.
    const inner = /^(\s*(?:-\s+)?[^\s:#][^:#]*?):\s+([^'"\s].*?:\s.*)$/.exec(src);
    if (code === 'BLOCK_AS_IMPLICIT_KEY' && inner) {
      return at(`the value \`${inner[2]}\` contains \`: \`, which YAML reads as a nested key; quote it: ${inner[1]!.trim()}: "${inner[2]}"`, line, column);
    }
    // A key with a value on its line, followed by a line indented deeper: the deeper line is the mistake.
    const next = nextLine(lines, line);
    const key = keyOf(src);
    if (next && key && indentOf(lines[next - 1]!) > indentOf(src) && /:\s*\S/.test(src.slice(src.indexOf(key) + key.length))) {
      const n = lines[next - 1]!;
      return at(
        `line ${next} is indented more than \`${key}\` on line ${line}, which already has a value, so YAML cannot read \`${n.trim()}\` as a key; start it at column ${indentOf(src) + 1} like \`${key}\` (or move ${key}'s value onto its own indented lines)`,
        next, indentOf(n) + 1,
      );
    }
    if (code === 'MISSING_CHAR' && /followed by map values/.test(raw)) {
      return at(`\`${src.trim()}\` is not a \`key: value\` entry: a mapping entry needs a colon and a space after the key`, line, indentOf(src) + 1);
    }
  }
  if (/must start at the same column|Sequence item without - indicator/.test(raw) || code === 'BAD_INDENT') {
    const col = indentOf(src) + 1;
    // Columns where keys of the enclosing mappings start (`- key:` puts its key two columns in).
    const seen = new Set<number>();
    const near: Array<{ line: number; col: number }> = [];
    for (const e of enclosing(lines, line)) {
      const l = lines[e.line - 1]!;
      if (keyOf(l) === undefined) continue;
      const keyCol = e.indent + (/^\s*-\s/.test(l) ? l.trimStart().search(/[^-\s]/) : 0) + 1;
      if (seen.has(keyCol) || Math.abs(keyCol - col) > 2 || keyCol === col) continue;
      seen.add(keyCol);
      near.push({ line: e.line, col: keyCol });
    }
    const hint = near.length
      ? `; did you mean column ${near.slice(0, 2).map((e) => `${e.col} (like \`${lines[e.line - 1]!.trim().slice(0, 40)}\` on line ${e.line})`).join(' or ')}?`
      : '';
    return at(`\`${src.trim()}\` starts at column ${col}, which lines up with no mapping above it: keys of one mapping must start at the same column${hint}`, line, col);
  }
  // Anything else: the parser's words, with the line quoted by the excerpt.
  return at(raw.charAt(0).toLowerCase() + raw.slice(1));
}
