// Parse one file's text into Kubernetes objects, each with the file:line where its document starts.
//
// YAML dialect: kubectl and the API machinery read manifests with sigs.k8s.io/yaml, which is built
// on go-yaml v2 — a YAML 1.1 parser. We match it, so a manifest means here what it means to kubectl:
//  - `yes/no/on/off/y/n` (any of their capitalisations go-yaml accepts) are booleans, also as map keys
//    (`on: x` in a ConfigMap becomes key "true", exactly as kubectl sends it);
//  - `0777` is octal, `0b101` binary, `1_000` an int, `<<` merge keys work;
//  - timestamps stay strings and base-60 (`1:20`) is a string: go-yaml v2 decodes both so into
//    interface{}, so we drop the `yaml` package's YAML 1.1 timestamp and sexagesimal tags.
// Stricter than go-yaml on purpose: duplicate keys are an error (kubectl warns or fails on them too).
import { isMap, isSeq, LineCounter, parseAllDocuments, type Document, type Tags } from 'yaml';
import { DriftguardError } from '../errors.ts';
import type { KubeObject, SourceLocation, SourcedObject } from '../model/object.ts';
import { fieldLocator } from './field-locator.ts';
import { aliasBombError, assertTextWithinLimits } from './yaml-limits.ts';
import { friendlyYamlError } from './yaml-errors.ts';
import { resolveLimits, type ManifestLimits } from './limits.ts';

const TIMESTAMP_TAG = 'tag:yaml.org,2002:timestamp';

// go-yaml v2 resolves ints with Go's strconv.ParseInt(s, 0, 64) after dropping `_`, so Go's base
// prefixes count too: `0o17`/`0O17` (octal), `0X1F`, `0B101`, signed or not. The yaml package's
// YAML 1.1 tags know only `0x`/`0b` and leading-zero octal; this adds the rest.
const GO_PREFIXED_INT = {
  identify: () => false, // parsing only; never chosen when writing YAML
  default: true,
  tag: 'tag:yaml.org,2002:int',
  test: /^[-+]?0(?:[oO][0-7_]+|[xX][0-9a-fA-F_]+|[bB][01_]+)$/,
  resolve(src: string): number {
    const s = src.replace(/_/g, '');
    const digits = s.replace(/^[-+]/, '');
    const radix = ({ o: 8, x: 16, b: 2 } as Record<string, number>)[digits[1]!.toLowerCase()]!;
    const n = parseInt(digits.slice(2), radix);
    return s.startsWith('-') ? -n : n;
  },
};

function goYamlV2Tags(tags: Tags): Tags {
  return [GO_PREFIXED_INT as unknown as Tags[number], ...tags].filter((t) => {
    const tag = t as { tag?: string; format?: string };
    return tag.tag !== TIMESTAMP_TAG && tag.format !== 'TIME';
  });
}

export function parseManifestText(file: string, text: string, limits?: ManifestLimits): SourcedObject[] {
  const lim = resolveLimits(limits);
  assertTextWithinLimits(file, text, lim);
  const lc = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, {
      version: '1.1',
      customTags: goYamlV2Tags,
      merge: true,
      uniqueKeys: true,
      lineCounter: lc,
      prettyErrors: true,
    }) as Document.Parsed[];
  } catch (e) {
    throw tooDeep(file, e);
  }
  const pos = (offset: number): SourceLocation => {
    const p = lc.linePos(offset);
    return { file, line: p.line, column: p.col };
  };

  const out: SourcedObject[] = [];
  let count = 0;
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) {
      const lp = err.linePos?.[0];
      const at = lp ? { line: lp.line, column: lp.col } : pos(err.pos[0]);
      // The yaml package appends a source excerpt after a blank line; keep the first line only.
      const raw = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      const f = friendlyYamlError(text, err.code, raw, at.line, at.column ?? 1);
      throw new DriftguardError('YAML_SYNTAX', f.message, {
        location: { file, line: f.line, column: f.column },
        details: { yamlCode: err.code, parserMessage: raw, excerpt: f.excerpt },
      });
    }
    if (doc.contents === null) continue; // empty document or only comments
    if (++count > lim.maxDocuments) {
      throw new DriftguardError('YAML_LIMIT', `file has more than ${lim.maxDocuments} YAML documents`, {
        location: pos(doc.range[0]),
      });
    }
    const start = pos(doc.contents.range[0]);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: lim.maxAliasCount });
    } catch (e) {
      if (e instanceof ReferenceError && /alias/i.test(e.message)) throw aliasBombError(lim, start);
      if (e instanceof RangeError) throw tooDeep(file, e, start);
      throw new DriftguardError('YAML_SYNTAX', (e as Error).message, { location: start, cause: e });
    }
    if (value === null || value === undefined) continue; // `---` followed by `~` or nothing
    collect(value, start, doc.contents, pos, out);
  }
  return out;
}

function tooDeep(file: string, e: unknown, location: SourceLocation = { file, line: 1 }): DriftguardError {
  if (e instanceof RangeError) {
    return new DriftguardError('YAML_LIMIT', 'YAML nesting is too deep to parse safely', { location, cause: e });
  }
  return e instanceof DriftguardError ? e : new DriftguardError('YAML_SYNTAX', String((e as Error)?.message ?? e), { location });
}

/** Validate one document (or List item) and append it; `*List` kinds are expanded into their items. */
function collect(
  value: unknown,
  at: SourceLocation,
  node: unknown,
  pos: (offset: number) => SourceLocation,
  out: SourcedObject[],
): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DriftguardError(
      'MANIFEST_INVALID',
      `expected a Kubernetes object (a YAML mapping), got ${Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'null' : `a ${typeof value}`}`,
      { location: at },
    );
  }
  const obj = value as Record<string, unknown>;
  const kind = obj.kind;
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(obj.items)) {
    const itemsNode = isMap(node) ? node.get('items', true) : undefined;
    obj.items.forEach((item, i) => {
      const itemNode = isSeq(itemsNode) ? itemsNode.items[i] : undefined;
      const range = (itemNode as { range?: [number, number, number] } | undefined)?.range;
      collect(item, range ? pos(range[0]) : at, itemNode, pos, out);
    });
    return;
  }
  const missing: string[] = [];
  if (typeof obj.apiVersion !== 'string' || obj.apiVersion === '') missing.push('apiVersion');
  if (typeof kind !== 'string' || kind === '') missing.push('kind');
  const md = obj.metadata;
  if (typeof md !== 'object' || md === null || Array.isArray(md)) {
    missing.push('metadata.name');
  } else {
    const m = md as Record<string, unknown>;
    const named = (typeof m.name === 'string' && m.name !== '') || (typeof m.generateName === 'string' && m.generateName !== '');
    if (!named) missing.push('metadata.name');
  }
  if (missing.length) {
    const what = typeof kind === 'string' && kind ? `${kind} object` : 'object';
    throw new DriftguardError('MANIFEST_INVALID', `${what} has no ${missing.join(', ')}`, { location: at });
  }
  out.push({ object: obj as KubeObject, source: at, fields: fieldLocator(node, pos) });
}
