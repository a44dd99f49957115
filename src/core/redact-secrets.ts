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

/**
 * `scheme://user:password@` in free text (DSNs, git remotes, registry URLs); the user stays readable.
 * The password runs to the last `@` of the token: an unencoded `@` in it must not leave a tail behind
 * (over-scrubbing a path that happens to hold an `@` is the safe side).
 */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@:'"`<>]*):([^\s'"`<>]+)@/gi;

/** `text` with the password of every `scheme://user:password@` URL replaced by `++++++++`. */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, (_m, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`);
}

/** The passwords of `scheme://user:password@` URLs in `text`, to scrub wherever they appear alone too. */
export function urlPasswords(text: string): string[] {
  return [...text.matchAll(URL_CREDENTIALS)].flatMap((m) => {
    const pw = m[3]!;
    let decoded = pw;
    try {
      decoded = decodeURIComponent(pw);
    } catch {
      // not percent-encoded
    }
    return [...secretForms(pw), ...(decoded !== pw ? secretForms(decoded) : [])];
  });
}

/**
 * Scrubs by value, not by key name: every value of every Secret registered (an app's rendered Secrets
 * and the live ones the cluster returned), any extra values, and URL credentials. One per job, used
 * on everything that job sends out (src/github/client.ts applies it to every GitHub request).
 */
export class SecretScrubber {
  private readonly forms = new Set<string>();

  /** Registers the values of every Secret among `objs` (other kinds are ignored). */
  addSecretsOf(objs: Iterable<unknown>): this {
    for (const o of objs) for (const f of secretValuesOf(o)) this.forms.add(f);
    return this;
  }

  addValues(values: Iterable<string>): this {
    for (const v of values) for (const f of secretForms(v)) this.forms.add(f);
    return this;
  }

  scrub(text: string): string {
    return redactUrlCredentials(this.forms.size ? redactValues(text, this.forms) : text);
  }

  /** A copy of `v` with every string scrubbed (objects and arrays walked). */
  scrubDeep<T>(v: T): T {
    if (typeof v === 'string') return this.scrub(v) as T;
    if (Array.isArray(v)) return v.map((x) => this.scrubDeep(x)) as T;
    if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.scrubDeep(x)])) as T;
    return v;
  }
}
