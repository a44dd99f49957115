// RFC 6901 JSON pointers, for ignore rules: parse, and remove the target from a tree.
import { isPlainObject } from './values.ts';

export function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new Error(`JSON pointer must start with "/": ${p}`);
  return p.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * `root` without the value at `tokens` (copy-on-write along the path; never mutates, since the
 * normalized trees share unchanged subtrees with each other and with the inputs).
 */
export function withoutPath(root: unknown, tokens: readonly string[], i = 0): unknown {
  if (i >= tokens.length) return root;
  const t = tokens[i]!;
  const last = i === tokens.length - 1;
  if (Array.isArray(root)) {
    const idx = Number(t);
    if (!Number.isInteger(idx) || idx < 0 || idx >= root.length) return root;
    const copy = root.slice();
    if (last) copy.splice(idx, 1);
    else copy[idx] = withoutPath(root[idx], tokens, i + 1);
    return copy;
  }
  if (isPlainObject(root)) {
    if (!(t in root)) return root;
    const copy = { ...root };
    if (last) delete copy[t];
    else copy[t] = withoutPath(root[t], tokens, i + 1);
    return copy;
  }
  return root;
}
