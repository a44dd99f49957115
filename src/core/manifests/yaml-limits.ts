// The limits every YAML text we or a render tool read must stay within (size, flow nesting, document
// count, alias expansions): plain manifests are parsed under them, and every file kustomize or helm
// will read is checked with them before the tool runs — a 10-line alias bomb otherwise makes the
// tool expand it into gigabytes.
import { LineCounter, parseAllDocuments } from 'yaml';
import { DriftguardError } from '../errors.ts';
import type { SourceLocation } from '../model/object.ts';
import { flowDepthExceeded } from './flow-depth.ts';
import { resolveLimits, type ManifestLimits } from './limits.ts';

/** Size and flow nesting: checked on the text before any parser sees it. */
export function assertTextWithinLimits(file: string, text: string, lim: Required<ManifestLimits>, lineOffset = 0): void {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > lim.maxFileBytes) {
    throw new DriftguardError(
      'YAML_LIMIT',
      `file is ${bytes} bytes, over the ${lim.maxFileBytes}-byte limit for one manifest file`,
      { location: { file, line: 1 + lineOffset }, details: { bytes, limit: lim.maxFileBytes } },
    );
  }
  const deepAt = flowDepthExceeded(text, lim.maxFlowDepth);
  if (deepAt) {
    throw new DriftguardError('YAML_LIMIT', `YAML flow collections nest deeper than ${lim.maxFlowDepth} levels; refused`, {
      location: { file, line: deepAt + lineOffset },
    });
  }
}

export function aliasBombError(lim: Required<ManifestLimits>, location: SourceLocation): DriftguardError {
  return new DriftguardError(
    'YAML_LIMIT',
    `document uses more than ${lim.maxAliasCount} YAML alias expansions (a "billion laughs" alias bomb?); refused`,
    { location },
  );
}

/**
 * Throws YAML_LIMIT (at file:line, `lineOffset` added for YAML embedded in another file) when `text`
 * breaks a limit. Syntax errors are not ours to report here: the tool that reads the file does.
 */
export function checkYamlLimits(file: string, text: string, limits?: ManifestLimits, lineOffset = 0): void {
  const lim = resolveLimits(limits);
  assertTextWithinLimits(file, text, lim, lineOffset);
  const lc = new LineCounter();
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { version: '1.1', merge: true, uniqueKeys: false, lineCounter: lc });
  } catch (e) {
    if (e instanceof RangeError) throw new DriftguardError('YAML_LIMIT', 'YAML nesting is too deep to parse safely', { location: { file, line: 1 + lineOffset } });
    return;
  }
  if (!Array.isArray(docs)) docs = [docs];
  let count = 0;
  for (const doc of docs) {
    if (doc.contents === null) continue;
    const location = { file, line: lc.linePos(doc.contents.range?.[0] ?? 0).line + lineOffset };
    if (++count > lim.maxDocuments) throw new DriftguardError('YAML_LIMIT', `file has more than ${lim.maxDocuments} YAML documents`, { location });
    if (doc.errors.length) continue;
    try {
      doc.toJS({ maxAliasCount: lim.maxAliasCount });
    } catch (e) {
      if (e instanceof ReferenceError && /alias/i.test(e.message)) throw aliasBombError(lim, location);
      if (e instanceof RangeError) throw new DriftguardError('YAML_LIMIT', 'YAML nesting is too deep to parse safely', { location });
    }
  }
}
