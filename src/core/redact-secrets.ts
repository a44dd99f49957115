// Scrub known secret values out of free text we did not write ourselves: API server messages (an
// admission webhook or a typed-SSA error may quote the submitted object) and render-tool errors
// (`{{ fail .Values.password }}`). Every form a value can take in such text is removed: as given,
// base64 (padded or not) and decoded, JSON/Go-quoted.
import { isSecret } from './normalize/secret.ts';
import { isPlainObject } from './normalize/values.ts';

export const REDACTED = '++++++++';
/** Shorter values cannot be scrubbed without destroying the message (e.g. "1", "on"). */
export const MIN_REDACT_LENGTH = 4;

/** Every textual form of one value that should never be shown. */
export function secretForms(value: string): string[] {
  if (value.length < MIN_REDACT_LENGTH) return [];
  const b64 = Buffer.from(value, 'utf8').toString('base64');
  const forms = [value, b64, b64.replace(/=+$/, ''), JSON.stringify(value).slice(1, -1)];
  return forms.filter((f) => f.length >= MIN_REDACT_LENGTH);
}

/** Forms of a Secret's data (base64 as written, canonical, and decoded) and stringData values. */
export function secretValuesOf(obj: unknown): string[] {
  if (!isPlainObject(obj) || !isSecret(obj as { apiVersion?: unknown; kind?: unknown })) return [];
  const out: string[] = [];
  const data = (obj as Record<string, unknown>).data;
  if (isPlainObject(data)) {
    for (const v of Object.values(data)) {
      if (typeof v !== 'string') {
        if (v !== null && v !== undefined) out.push(...secretForms(typeof v === 'object' ? JSON.stringify(v) : String(v)));
        continue;
      }
      out.push(...secretForms(v));
      const compact = v.replace(/\s+/g, '');
      if (/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
        const bytes = Buffer.from(compact, 'base64');
        out.push(...secretForms(bytes.toString('base64')));
        const text = bytes.toString('utf8');
        if (!text.includes('\uFFFD')) out.push(...secretForms(text));
      }
    }
  }
  const stringData = (obj as Record<string, unknown>).stringData;
  if (isPlainObject(stringData)) {
    for (const v of Object.values(stringData)) if (v !== null && v !== undefined) out.push(...secretForms(String(v)));
  }
  return out;
}

/** `text` with every occurrence of every form replaced by `++++++++`, longest forms first. */
export function redactValues(text: string, forms: Iterable<string>): string {
  const sorted = [...new Set(forms)].filter((f) => f.length >= MIN_REDACT_LENGTH).sort((a, b) => b.length - a.length);
  let out = text;
  for (const f of sorted) if (out.includes(f)) out = out.split(f).join(REDACTED);
  return out;
}

/**
 * `text` without any value of the Secrets among `objs` (other kinds and undefined are ignored). Pass the
 * desired and the live object: a server may quote either (admission webhooks see both).
 */
export function redactSecretValues(text: string, ...objs: unknown[]): string {
  const forms = objs.flatMap((o) => secretValuesOf(o));
  return forms.length ? redactValues(text, forms) : text;
}
