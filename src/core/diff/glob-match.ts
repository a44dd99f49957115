// Group/kind patterns of ignore rules, matched as Argo CD matches ignoreDifferences (util/glob on
// gobwas/glob without separators): `*` spans any characters, dots included ("*.crossplane.io"
// matches "compute.aws.crossplane.io"), `?` one character, `{a,b}` alternatives, `[abc]` a class.
// A pattern without wildcards is an exact match, so "" is the core group only.
const cache = new Map<string, RegExp | string>();

function compile(pattern: string): RegExp | string {
  if (!/[*?{[]/.test(pattern)) return pattern;
  let re = '';
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '{') { re += '(?:'; depth++; }
    else if (c === '}' && depth > 0) { re += ')'; depth--; }
    else if (c === ',' && depth > 0) re += '|';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) { re += '\\['; continue; }
      const body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
      re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
      i = end;
    } else re += c.replace(/[.+^$()|\\\]]/g, '\\$&');
  }
  if (depth > 0) return pattern; // unbalanced braces: treat the pattern literally
  return new RegExp(`^${re}$`);
}

export function globMatch(pattern: string, value: string): boolean {
  let m = cache.get(pattern);
  if (m === undefined) {
    m = compile(pattern);
    if (cache.size > 1024) cache.clear();
    cache.set(pattern, m);
  }
  return typeof m === 'string' ? m === value : m.test(value);
}
