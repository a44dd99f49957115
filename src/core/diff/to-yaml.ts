// A small deterministic YAML emitter for diffs: block style, keys sorted, 2-space indent, sequences
// indented under their key. It is several times faster than building a `yaml` Document, which
// matters because every drifted resource is serialized twice. Strings are emitted plain only when
// no YAML 1.1 or 1.2 reader (kubectl's go-yaml v2 included) could read them as anything but that
// string; otherwise double-quoted (JSON escapes are valid YAML). Multi-line strings use `|`/`|-`.
// Round-trip tested against the `yaml` parser in test/core/to-yaml.test.ts.

const PLAIN = /^[A-Za-z0-9_./+][A-Za-z0-9_./:@%+=,~()\-\u00A0-\u2027\u202A-\uFEFE\uFF00-\uFFFD ]*$/;
const RESERVED = /^(?:[yYnN~]|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const NUMBERISH = /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?$|^[-+]?0[xXoObB]|^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$|^\d{4}-\d\d?-\d\d?/;

function plainOk(s: string): boolean {
  return (
    PLAIN.test(s) && !RESERVED.test(s) && !NUMBERISH.test(s) &&
    !s.endsWith(' ') && !s.endsWith(':') && !s.includes(': ') && !s.includes(' #')
  );
}

function str(s: string): string {
  return plainOk(s) ? s : JSON.stringify(s);
}

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return str(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return JSON.stringify(v) ?? 'null';
}

/** A literal block header and body for a multi-line string, or undefined when quoting is safer. */
function literal(s: string, indent: string): string[] | undefined {
  // Leading spaces/empty first line need an indentation indicator; control characters need escapes.
  if (!s.includes('\n') || s.startsWith(' ') || s.startsWith('\n') || /[\u0000-\u0008\u000B-\u001F\u007F\u0085\u2028\u2029\r]/.test(s)) return undefined;
  let header: string;
  let body: string;
  if (s.endsWith('\n\n')) return undefined;
  if (s.endsWith('\n')) {
    header = '|';
    body = s.slice(0, -1);
  } else {
    header = '|-';
    body = s;
  }
  return [header, ...body.split('\n').map((l) => (l === '' ? '' : indent + l))];
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function emit(v: unknown, indent: string, out: string[]): void {
  if (isMap(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
    for (const k of keys) pair(str(k), v[k], indent, out);
  } else if (Array.isArray(v)) {
    for (const item of v) seqItem(item, indent, out);
  }
}

function pair(key: string, v: unknown, indent: string, out: string[]): void {
  if (isMap(v) || Array.isArray(v)) {
    if (isEmpty(v)) {
      out.push(`${indent}${key}: ${Array.isArray(v) ? '[]' : '{}'}`);
      return;
    }
    out.push(`${indent}${key}:`);
    emit(v, `${indent}  `, out);
    return;
  }
  if (typeof v === 'string') {
    const lit = literal(v, `${indent}  `);
    if (lit) {
      out.push(`${indent}${key}: ${lit[0]}`, ...lit.slice(1));
      return;
    }
  }
  out.push(`${indent}${key}: ${scalar(v)}`);
}

function seqItem(item: unknown, indent: string, out: string[]): void {
  if ((isMap(item) || Array.isArray(item)) && !isEmpty(item)) {
    const start = out.length;
    emit(item, `${indent}  `, out);
    // Fold the first line onto the dash: "  - name: web" / "  - - a".
    out[start] = `${indent}- ${out[start]!.slice(indent.length + 2)}`;
    return;
  }
  if (isMap(item) || Array.isArray(item)) {
    out.push(`${indent}- ${Array.isArray(item) ? '[]' : '{}'}`);
    return;
  }
  if (typeof item === 'string') {
    const lit = literal(item, `${indent}  `);
    if (lit) {
      out.push(`${indent}- ${lit[0]}`, ...lit.slice(1));
      return;
    }
  }
  out.push(`${indent}- ${scalar(item)}`);
}

function isEmpty(v: Record<string, unknown> | unknown[]): boolean {
  if (Array.isArray(v)) return v.length === 0;
  for (const k in v) if (v[k] !== undefined) return false;
  return true;
}

/** Deterministic YAML for a JSON value; '' for undefined. */
export function toYaml(v: unknown): string {
  if (v === undefined) return '';
  if (!isMap(v) && !Array.isArray(v)) return `${scalar(v)}\n`;
  if (isEmpty(v)) return Array.isArray(v) ? '[]\n' : '{}\n';
  const out: string[] = [];
  emit(v, '', out);
  return `${out.join('\n')}\n`;
}
