// Label and field selectors in their query-string syntax (apimachinery pkg/labels, pkg/fields).
import { badRequest } from './status.ts';

type LabelReq =
  | { op: 'exists' | '!exists'; key: string }
  | { op: '=' | '!='; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] };

/** Splits on commas that are not inside parentheses. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) { out.push(cur); cur = ''; } else cur += ch;
  }
  if (cur.trim()) out.push(cur);
  return out.map((t) => t.trim()).filter(Boolean);
}

export function parseLabelSelector(s: string): LabelReq[] {
  return splitTerms(s).map((term): LabelReq => {
    let m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
    if (m) return { op: m[2] as 'in' | 'notin', key: m[1]!, values: m[3]!.split(',').map((v) => v.trim()) };
    m = /^!\s*(\S+)$/.exec(term);
    if (m) return { op: '!exists', key: m[1]! };
    m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
    if (m) return { op: m[2] === '!=' ? '!=' : '=', key: m[1]!, value: m[3]! };
    if (/^[A-Za-z0-9][-A-Za-z0-9_./]*$/.test(term)) return { op: 'exists', key: term };
    throw badRequest(`unable to parse requirement: found '${term}', expected: identifier`);
  });
}

export function matchesLabels(reqs: LabelReq[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists': return has;
      case '!exists': return !has;
      case '=': return has && l[r.key] === r.value;
      case '!=': return !has || l[r.key] !== r.value;
      case 'in': return has && r.values.includes(l[r.key]!);
      case 'notin': return !has || !r.values.includes(l[r.key]!);
    }
  });
}

/** Converts a metav1.LabelSelector object to requirements (matchLabels + matchExpressions). */
export function labelSelectorReqs(sel: Record<string, any> | undefined): LabelReq[] {
  const out: LabelReq[] = [];
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {})) out.push({ op: '=', key: k, value: String(v) });
  for (const e of sel?.matchExpressions ?? []) {
    const op = String(e.operator).toLowerCase();
    if (op === 'in' || op === 'notin') out.push({ op: op as 'in' | 'notin', key: e.key, values: e.values ?? [] });
    else if (op === 'exists') out.push({ op: 'exists', key: e.key });
    else if (op === 'doesnotexist') out.push({ op: '!exists', key: e.key });
  }
  return out;
}

export function selectorString(sel: Record<string, any> | undefined): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {}).sort(([a], [b]) => a.localeCompare(b))) parts.push(`${k}=${v}`);
  for (const e of sel?.matchExpressions ?? []) {
    const op = String(e.operator);
    if (op === 'In' || op === 'NotIn') parts.push(`${e.key} ${op.toLowerCase()} (${(e.values ?? []).join(',')})`);
    else if (op === 'Exists') parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

type FieldReq = { key: string; op: '=' | '!='; value: string };

const FIELDS: Record<string, (o: any) => string | undefined> = {
  'metadata.name': (o) => o.metadata?.name,
  'metadata.namespace': (o) => o.metadata?.namespace ?? '',
  'status.phase': (o) => o.status?.phase,
  'spec.nodeName': (o) => o.spec?.nodeName ?? '',
  'type': (o) => o.type,
  'involvedObject.name': (o) => o.involvedObject?.name,
  'involvedObject.kind': (o) => o.involvedObject?.kind,
  'involvedObject.uid': (o) => o.involvedObject?.uid,
};

export function parseFieldSelector(s: string, kind: string): FieldReq[] {
  return splitTerms(s).map((term) => {
    const m = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${s}'; can't understand '${term}'`);
    if (!(m[1]! in FIELDS)) throw badRequest(`"${m[1]}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
    void kind;
    return { key: m[1]!, op: m[2] === '!=' ? '!=' : '=', value: m[3]! };
  });
}

export function matchesFields(reqs: FieldReq[], obj: unknown): boolean {
  return reqs.every((r) => {
    const v = FIELDS[r.key]!(obj) ?? '';
    return r.op === '=' ? v === r.value : v !== r.value;
  });
}
