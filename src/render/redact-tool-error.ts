// Render-tool errors can quote input values: kustomize prints an invalid secretGenerator literal or env
// line as it is (`invalid literal source <value>`, `line [..bytes..] has invalid utf8 bytes : <line>`).
// These helpers gather every form such a value can take and rethrow the error without them.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { DriftguardError } from '../core/errors.ts';
import { redactValues, secretForms } from '../core/redact-secrets.ts';

/** What a kustomization's secretGenerators read: literals as written, env and data files (absolute). */
export interface SecretGeneratorInputs {
  literals: string[];
  envFiles: string[];
  files: string[];
}

/** Larger files are not scrubbed line by line (kustomize quotes lines of env files, not whole files). */
const MAX_SCRUB_FILE_BYTES = 256 * 1024;
/** Lines of data files shorter than this are left alone (PEM headers etc. are harmless, words are not). */
const MIN_FILE_LINE = 8;

const unquote = (v: string) => (/^(["']).*\1$/s.test(v) && v.length >= 2 ? v.slice(1, -1) : v);

function read(abs: string): Buffer | undefined {
  try {
    if (!existsSync(abs) || !statSync(abs).isFile() || statSync(abs).size > MAX_SCRUB_FILE_BYTES) return undefined;
    return readFileSync(abs);
  } catch {
    return undefined; // kustomize reports an unreadable input itself
  }
}

/** Every form of every value the secretGenerators of a kustomization tree read. */
export function secretGeneratorValues(inputs: SecretGeneratorInputs): string[] {
  const out: string[] = [];
  for (const lit of inputs.literals) {
    // `key=value` (kustomize strips one pair of quotes), or a malformed one kustomize quotes whole.
    out.push(...secretForms(lit));
    const eq = lit.indexOf('=');
    if (eq >= 0) out.push(...secretForms(lit.slice(eq + 1)), ...secretForms(unquote(lit.slice(eq + 1))));
  }
  for (const abs of inputs.envFiles) {
    const buf = read(abs);
    if (!buf) continue;
    for (const raw of splitLines(buf)) {
      const line = raw.toString('utf8');
      const eq = line.indexOf('=');
      if (eq >= 0) out.push(...secretForms(line.slice(eq + 1)), ...secretForms(line.slice(eq + 1).trim()));
      else out.push(...secretForms(line.trim()));
      // Go's %v of the line's bytes, as kustomize prints a line that is not UTF-8.
      if (line.includes('\uFFFD')) out.push(Buffer.from(raw).join(' '));
    }
  }
  for (const abs of inputs.files) {
    const buf = read(abs);
    if (!buf) continue;
    const text = buf.toString('utf8');
    out.push(...secretForms(text), ...secretForms(text.trim()));
    for (const line of text.split(/\r?\n/)) if (line.trim().length >= MIN_FILE_LINE) out.push(...secretForms(line.trim()));
  }
  return out;
}

function splitLines(buf: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = 0; i <= buf.length; i++) {
    if (i === buf.length || buf[i] === 0x0a) {
      let end = i;
      if (end > start && buf[end - 1] === 0x0d) end--;
      lines.push(buf.subarray(start, end));
      start = i + 1;
    }
  }
  return lines;
}

/** Rethrows `e` with the forms scrubbed from its message (location and details kept). */
export function rethrowRedacted(e: unknown, forms: string[]): never {
  if (!(e instanceof DriftguardError) || !forms.length) throw e;
  const message = redactValues(e.message, forms);
  if (message === e.message) throw e;
  throw new DriftguardError(e.code, message, { location: e.location, related: e.related, details: e.details });
}
