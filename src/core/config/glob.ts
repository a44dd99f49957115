// Minimal globs for repo and namespace patterns: `*` any run, `?` one character; with `sep`, neither
// crosses it (so `acme/*` matches `acme/web` but not `acme/x/y`). Everything else is literal.
export function globMatch(pattern: string, value: string, sep?: string): boolean {
  const any = sep ? `[^${escape(sep)}]` : '.';
  let re = '';
  for (const ch of pattern) re += ch === '*' ? `${any}*` : ch === '?' ? any : escape(ch);
  return new RegExp(`^${re}$`, 's').test(value);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
