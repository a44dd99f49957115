// Parse a config file with the `yaml` package keeping node positions, so a schema error at
// `/apps/1/namespace` can be reported at the file:line of that node.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { ErrorObject } from 'ajv';
import { DriftguardError } from '../errors.ts';
import type { SourceLocation } from '../model/object.ts';

export interface ConfigProblem {
  message: string;
  location: SourceLocation;
}

export interface YamlSource {
  file: string;
  doc: Document;
  value: unknown;
  /** file:line:col of the node at a JSON pointer path; the key when `key` is set; nearest existing ancestor otherwise. */
  locate(path: Array<string | number>, key?: string): SourceLocation;
}

const MAX_CONFIG_BYTES = 1024 * 1024;

export function loadYaml(file: string, text: string): YamlSource {
  if (text.length > MAX_CONFIG_BYTES) {
    throw new DriftguardError('CONFIG_INVALID', `${file} is larger than ${MAX_CONFIG_BYTES} bytes`, { location: { file, line: 1 } });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): SourceLocation => {
    const p = lineCounter.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => ({ message: e.message.split('\n')[0], location: at(e.pos[0]) }));
    throw configError(file, problems);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new DriftguardError('CONFIG_INVALID', `${file}: ${(e as Error).message}`, { location: { file, line: 1 } });
  }

  const locate = (path: Array<string | number>, key?: string): SourceLocation => {
    let node: unknown = doc.contents;
    let best: SourceLocation = { file, line: 1 };
    const mark = (n: unknown) => {
      const range = (n as Node | null)?.range;
      if (range) best = at(range[0]);
    };
    mark(node);
    let complete = true;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && scalarKey(p.key) === String(seg));
        node = pair?.value;
      } else if (isSeq(node)) {
        node = node.items[Number(seg)];
      } else node = undefined;
      if (node === undefined || node === null) {
        complete = false;
        break;
      }
      mark(node);
    }
    if (complete && key !== undefined && isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && scalarKey(p.key) === key);
      if (pair) mark(pair.key);
    }
    return best;
  };
  return { file, doc, value, locate };
}

function scalarKey(k: unknown): string {
  return String(isScalar(k) ? k.value : k);
}

/** JSON pointer `/apps/0/name` → ['apps', '0', 'name'] (RFC 6901 unescaping). */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `apps[0].syncPolicy` — the path as users write it. */
export function displayPath(segs: Array<string | number>): string {
  let out = '';
  for (const s of segs) out += /^\d+$/.test(String(s)) ? `[${s}]` : out ? `.${s}` : String(s);
  return out || '(top level)';
}

/** Turn ajv errors into one problem per offending node, with readable messages. */
export function schemaProblems(src: YamlSource, errors: ErrorObject[]): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    // `if/then` reports twice (the failing `not` and the `if`); keep the one that explains.
    if (e.keyword === 'if') continue;
    const segs = pointerSegments(e.instancePath);
    const where = displayPath(segs);
    let message: string;
    let location: SourceLocation;
    switch (e.keyword) {
      case 'additionalProperties': {
        const field = String(e.params.additionalProperty);
        message = `${where}: unknown field "${field}"`;
        location = src.locate(segs, field);
        break;
      }
      case 'required':
        message = `${where}: missing required field "${String(e.params.missingProperty)}"`;
        location = src.locate(segs);
        break;
      case 'pattern':
        message = `${where}: ${JSON.stringify(valueAt(src.value, segs))} is not valid (${patternHint(e.schemaPath)})`;
        location = src.locate(segs);
        break;
      case 'enum':
        message = `${where}: must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
        location = src.locate(segs);
        break;
      case 'not':
        message = `${where}: inCluster: true cannot be combined with context or kubeconfig`;
        location = src.locate(segs);
        break;
      default:
        message = `${where}: ${e.message ?? 'is invalid'}`;
        location = src.locate(segs);
    }
    const k = `${location.line}:${message}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push({ message, location });
    }
  }
  return out;
}

function patternHint(schemaPath: string): string {
  if (schemaPath.includes('/name/')) return 'must be a Kubernetes label value: 1-63 characters, letters, digits, "-", "_", "." and alphanumeric at both ends';
  if (schemaPath.includes('/namespace/') || schemaPath.includes('/releaseName/')) return 'must be a DNS-1123 label: 1-63 lowercase letters, digits and "-"';
  if (schemaPath.includes('/targetRevision/')) return 'must be a git branch name';
  if (schemaPath.includes('/jsonPointers/')) return 'a JSON pointer starts with "/"';
  return 'does not match the expected format';
}

export function valueAt(value: unknown, segs: Array<string | number>): unknown {
  let v = value;
  for (const s of segs) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[String(s)] : undefined;
  return v;
}

export function configError(file: string, problems: ConfigProblem[]): DriftguardError {
  const first = problems[0];
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return new DriftguardError('CONFIG_INVALID', `${first.message}${more}`, {
    location: first.location,
    related: problems.slice(1).map((p) => p.location),
    details: { file, problems },
  });
}
