// Preview templates: `{{number}}`, `{{sha}}`, `{{namespace}}`, `{{app}}` in the namespace name, the URL
// and the per-preview overrides (Helm values, images, patches). Pure. The namespace name is always a
// DNS-1123 label of at most 63 characters: substituted values are made label-safe, and a name that
// would be too long is cut and given a hash of the whole name, so the same PR always gets the same
// namespace and two long names never collide by truncation alone.
import { createHash } from 'node:crypto';
import { DNS_LABEL } from '../config/schema.ts';

export const PREVIEW_VARS = ['number', 'sha', 'namespace', 'app'] as const;
export type PreviewVar = (typeof PREVIEW_VARS)[number];

export interface PreviewVars {
  /** The pull request number. */
  number: number;
  /** The head commit (40 hex digits). */
  sha: string;
  /** The app's name in the repo config. */
  app: string;
  /** The rendered preview namespace (not available to the namespace template itself). */
  namespace?: string;
}

export const DEFAULT_NAMESPACE_TEMPLATE = 'pr-{{number}}-{{app}}';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const DNS = new RegExp(DNS_LABEL);
const MAX_LABEL = 63;
const HASH_CHARS = 8;

/** Placeholders in `text` that are not among `allowed` (so a typo is a config error, not a literal). */
export function unknownPlaceholders(text: string, allowed: readonly string[] = PREVIEW_VARS): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]).filter((v) => !allowed.includes(v));
}

/** Substitute the known placeholders; `escape` transforms each substituted value. */
export function renderTemplate(text: string, vars: PreviewVars, escape: (v: string) => string = (v) => v): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const v = valueOf(vars, name);
    return v === undefined ? whole : escape(v);
  });
}

function valueOf(vars: PreviewVars, name: string): string | undefined {
  switch (name) {
    case 'number': return String(vars.number);
    case 'sha': return vars.sha;
    case 'app': return vars.app;
    case 'namespace': return vars.namespace;
    default: return undefined;
  }
}

/** A substituted value made safe inside a DNS label: lower case, anything else than [a-z0-9-] becomes '-'. */
const labelSafe = (v: string) => v.toLowerCase().replace(/[^a-z0-9-]/g, '-');

export type Rendered<T> = { ok: true; value: T } | { ok: false; why: string };

/** The preview namespace for `vars` from `template` (default `pr-{{number}}-{{app}}`). */
export function previewNamespaceName(template: string, vars: Omit<PreviewVars, 'namespace'>): Rendered<string> {
  const bad = unknownPlaceholders(template, ['number', 'sha', 'app']);
  if (bad.length) return { ok: false, why: `unknown placeholder {{${bad[0]}}} in the namespace template (use {{number}}, {{sha}}, {{app}})` };
  const full = renderTemplate(template, vars, labelSafe);
  const name = full.length <= MAX_LABEL ? full : shorten(full);
  if (!DNS.test(name)) {
    return { ok: false, why: `the namespace template renders "${full}", which is not a DNS-1123 label (1-63 lowercase letters, digits and "-", alphanumeric at both ends)` };
  }
  return { ok: true, value: name };
}

/** `<first 54 chars, no trailing '-'>-<8 hex of sha256(full)>`: deterministic, ≤ 63, distinct for distinct names. */
function shorten(full: string): string {
  const hash = createHash('sha256').update(full).digest('hex').slice(0, HASH_CHARS);
  return `${full.slice(0, MAX_LABEL - HASH_CHARS - 1).replace(/-+$/, '')}-${hash}`;
}

/** The environment URL: an absolute http(s) URL once rendered. */
export function previewUrl(template: string, vars: PreviewVars): Rendered<string> {
  const bad = unknownPlaceholders(template);
  if (bad.length) return { ok: false, why: `unknown placeholder {{${bad[0]}}} in the URL template (use ${PREVIEW_VARS.map((v) => `{{${v}}}`).join(', ')})` };
  const text = renderTemplate(template, vars, (v) => labelSafe(v));
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, why: `the URL template renders "${text}", which is not an absolute URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, why: `the URL template renders "${text}": only http and https URLs are allowed` };
  if (!url.hostname) return { ok: false, why: `the URL template renders "${text}", which has no host` };
  return { ok: true, value: url.toString() };
}

/** Every string inside `value` (keys too) with the placeholders substituted; other values unchanged. */
export function renderDeep<T>(value: T, vars: PreviewVars): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return renderTemplate(v, vars);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [renderTemplate(k, vars), walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** Every string inside `value` with an unknown placeholder, with its path (for config errors). */
export function unknownPlaceholdersDeep(value: unknown, path: Array<string | number> = []): Array<{ path: Array<string | number>; name: string }> {
  if (typeof value === 'string') return unknownPlaceholders(value).map((name) => ({ path, name }));
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownPlaceholdersDeep(v, [...path, i]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [...unknownPlaceholders(k).map((name) => ({ path: [...path, k], name })), ...unknownPlaceholdersDeep(v, [...path, k])]);
  }
  return [];
}

const UNITS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** `72h`, `3d`, `1d12h`, `90m`, `45s` → milliseconds; undefined when not a duration (or zero). */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m || text.trim() === '') return undefined;
  const ms = ['d', 'h', 'm', 's'].reduce((sum, u, i) => sum + Number(m[i + 1] ?? 0) * UNITS[u], 0);
  return ms > 0 ? ms : undefined;
}
