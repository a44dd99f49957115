// The shape of a CLI command. Each command lives in its own file under commands/ and is listed once
// in commands/index.ts; main.ts does parsing, --help, and error-to-exit-code mapping for all of them.

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  default?: string | boolean;
  /** Placeholder in help, e.g. `ns` for `--namespace <ns>`. */
  valueName?: string;
  description: string;
  /** Allowed values for a string option (checked by main, a usage error otherwise). */
  choices?: readonly string[];
}

export interface CliIO {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export type OptionValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface CommandContext {
  values: OptionValues;
  positionals: string[];
  io: CliIO;
  /** Stdout is a terminal and NO_COLOR is not set. */
  color: boolean;
}

export interface Command {
  name: string;
  /** One line for `driftguard --help`. */
  summary: string;
  /** Synopsis after `driftguard `, e.g. `render <path> [options]`. */
  usage: string;
  /** Paragraphs printed by `driftguard <name> --help`, after the options. */
  details?: string;
  options: Record<string, OptionSpec>;
  positionals: { min: number; max: number };
  /** Returns the exit code (0 success; failures are thrown as DriftguardError). */
  run(ctx: CommandContext): Promise<number>;
}

/** Exit codes, documented in the README. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, DIFFERENCES: 3, UNHEALTHY: 4 } as const;

/** `values.x` as a string (last one wins if repeated). */
export function stringOpt(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function listOpt(values: OptionValues, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? (v as unknown[]).filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
}
