// Typed errors with context. Every error a user can trigger carries a code and, where there is one,
// the file:line it points at, so CLIs print one clear line and check runs can annotate.
import type { SourceLocation } from './model/object.ts';

export type ErrorCode =
  | 'YAML_SYNTAX'
  | 'YAML_LIMIT'
  | 'MANIFEST_INVALID'
  | 'DUPLICATE_OBJECT'
  | 'RENDER_FAILED'
  | 'RENDER_TIMEOUT'
  | 'RENDER_LIMIT'
  | 'TOOL_MISSING'
  | 'TOOL_FAILED'
  | 'CONFIG_INVALID'
  | 'USAGE'
  | 'NOT_FOUND'
  | 'KUBE_API'
  | 'SYNC_REFUSED'
  | 'CHECKOUT_REFUSED'
  | 'TIMEOUT'
  | 'GITHUB_RATE_LIMITED'
  | 'REDIS_UNAVAILABLE';

export class DriftguardError extends Error {
  readonly code: ErrorCode;
  readonly location?: SourceLocation;
  readonly related?: SourceLocation[];
  readonly details?: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { location?: SourceLocation; related?: SourceLocation[]; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = 'DriftguardError';
    this.code = code;
    this.location = opts.location;
    this.related = opts.related;
    this.details = opts.details;
  }

  /** `file:line:col: message`, the form editors and CI logs understand. */
  override toString(): string {
    const l = this.location;
    const where = l ? `${l.file}:${l.line}${l.column ? `:${l.column}` : ''}: ` : '';
    // A quoted source line (YAML errors) follows on its own lines, as compilers print it.
    const excerpt = typeof this.details?.excerpt === 'string' ? `\n${this.details.excerpt}` : '';
    return `${where}${this.message}${excerpt}`;
  }
}

export function isDriftguardError(e: unknown): e is DriftguardError {
  return e instanceof DriftguardError;
}

/**
 * Whether running the same job again gives the same error (bad input, a refusal by policy or by a safety
 * check): such failures are reported once and never retried. Every code must be classified here, so a
 * new code cannot silently become retryable (or not). Transient ones: API errors and timeouts.
 */
const DETERMINISTIC: Record<ErrorCode, boolean> = {
  YAML_SYNTAX: true,
  YAML_LIMIT: true,
  MANIFEST_INVALID: true,
  DUPLICATE_OBJECT: true,
  RENDER_FAILED: true,
  // The render's own time limit: a retry runs the same input under the same limit (e.g. an alias bomb).
  RENDER_TIMEOUT: true,
  TOOL_MISSING: true,
  CONFIG_INVALID: true,
  USAGE: true,
  NOT_FOUND: true,
  KUBE_API: false,
  SYNC_REFUSED: true,
  TIMEOUT: false,
  // A link leaving the repository or an entry git never makes: the same archive is refused again.
  CHECKOUT_REFUSED: true,
  // A tool killed at its memory or CPU limit: the same input hits the same limit.
  RENDER_LIMIT: true,
  // A helper process (dev tools) that exited early: may well start next time.
  TOOL_FAILED: false,
  // GitHub's rate limit ran out beyond what a job waits for: the job runs again after the reset.
  GITHUB_RATE_LIMITED: false,
  // Redis down or unreachable (the CLI's history): may be back next time.
  REDIS_UNAVAILABLE: false,
};

/** GitHub's rate limit ran out for longer than a job waits: the job runs again at details.until. */
export function isRateLimited(e: unknown): e is DriftguardError {
  return isDriftguardError(e) && e.code === 'GITHUB_RATE_LIMITED';
}

/** When a rate-limited job may run again (epoch ms). */
export function rateLimitedUntil(e: DriftguardError, now = Date.now()): number {
  const until = Number(e.details?.until);
  return Number.isFinite(until) && until > now ? until : now + 60_000;
}

export function isDeterministic(e: unknown): boolean {
  return isDriftguardError(e) && DETERMINISTIC[e.code];
}
