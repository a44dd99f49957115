// A cheap pre-scan for flow-collection nesting (`[[[[…` / `{{{{…`). The `yaml` parser recurses per
// level and, on deep unclosed input, exhausts the stack or memory instead of failing cleanly, so we
// refuse such text before parsing. Heuristic but safe for real manifests: a bracket counts as an
// opener only where a flow collection can start (after `:`, `-`, `,`, `[`, `{` or at line start),
// quoted strings inside flow collections are skipped, and a line starting at column 0 with anything
// else (a block key, a comment, `---`) resets the depth.

/** Returns the 1-based line where nesting first exceeds `max`, or 0 when it never does. */
export function flowDepthExceeded(text: string, max: number): number {
  let depth = 0;
  let line = 1;
  let prev = '\n'; // previous non-space character on the current line ('\n' = line start)
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      prev = '\n';
      const next = text.charCodeAt(i + 1);
      // 32 space, 9 tab, 91 [, 123 {, 93 ], 125 }, 34 ", 39 ', 44 ,
      if (i + 1 < n && next !== 32 && next !== 9 && next !== 91 && next !== 123 && next !== 93 && next !== 125 && next !== 34 && next !== 39 && next !== 44 && next !== 10 && next !== 13) depth = 0;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) continue;
    if (c === 35 /* # */ && (prev === '\n' || text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 9)) {
      while (i + 1 < n && text.charCodeAt(i + 1) !== 10) i++;
      continue;
    }
    if (depth > 0 && (c === 34 || c === 39)) {
      // skip a quoted scalar inside a flow collection (may span lines)
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 10) line++;
        if (c === 34 && d === 92) { i++; continue; } // backslash escape in "..."
        if (d === c) {
          if (c === 39 && text.charCodeAt(i + 1) === 39) { i++; continue; } // '' in '...'
          break;
        }
      }
      prev = 'q';
      continue;
    }
    if ((c === 91 || c === 123) && (prev === '\n' || prev === ':' || prev === '-' || prev === ',' || prev === '[' || prev === '{')) {
      if (++depth > max) return line;
    } else if ((c === 93 || c === 125) && depth > 0) {
      depth--;
    }
    prev = text[i]!;
  }
  return 0;
}
