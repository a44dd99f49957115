// The worker's logger: every serialized line is scrubbed of URL credentials before it is written, so a
// DSN in a tool's or API server's error (`postgres://app:pw@db`) never reaches the logs, whatever
// field or nesting it is logged under. Secret values are scrubbed where the errors are made.
import { pino, type Logger } from 'pino';
import { redactUrlCredentials } from '../core/redact-secrets.ts';

export function scrubbedLogger(name: string, level: string, out: { write(s: string): unknown } = process.stdout): Logger {
  return pino({ name, level }, { write: (line: string) => out.write(redactUrlCredentials(line)) });
}
