// `driftguard` entry point: picks the command from the table, parses its options with node's
// util.parseArgs, prints help, and turns errors into one line on stderr plus an exit code:
// 0 success, 1 failed command, 2 usage error (3 = differences, only with --exit-code).
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DriftguardError, isDriftguardError } from '../core/errors.ts';
import { COMMANDS } from './commands/index.ts';
import { EXIT, type CliIO, type Command, type OptionSpec } from './command.ts';
import { commandHelp, programHelp } from './help.ts';
import { PACKAGE_ROOT } from '../process/package-root.ts';

export { COMMANDS };

function defaultIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

class UsageError extends Error {}

export async function main(argv: string[], ioOverride: Partial<CliIO> = {}): Promise<number> {
  const io: CliIO = { ...defaultIO(), ...ioOverride };
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  let command: Command | undefined;
  try {
    const first = args[0];
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      const topic = first === 'help' ? args[1] : undefined;
      if (topic) {
        const c = COMMANDS.find((x) => x.name === topic);
        if (!c) throw new UsageError(`unknown command "${topic}"`);
        io.stdout.write(commandHelp(c));
        return EXIT.OK;
      }
      // Bare `driftguard` is a usage error: help goes to stderr so scripts see nothing on stdout.
      (first === undefined ? io.stderr : io.stdout).write(programHelp(COMMANDS));
      return first === undefined ? EXIT.USAGE : EXIT.OK;
    }
    if (first === '--version' || first === '-V') {
      io.stdout.write(`driftguard ${version()}\n`);
      return EXIT.OK;
    }
    command = COMMANDS.find((c) => c.name === first);
    if (!command) {
      throw new UsageError(first.startsWith('-') ? `unknown option ${first}; a command comes first` : `unknown command "${first}"`);
    }
    const rest = args.slice(1);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(commandHelp(command));
      return EXIT.OK;
    }
    const parsed = parseCommandArgs(command, rest);
    const color = Boolean(io.stdout.isTTY) && !io.env.NO_COLOR;
    return await command.run({ ...parsed, io, color });
  } catch (e) {
    return reportError(e, io, debug, command);
  }
}

function parseCommandArgs(command: Command, rest: string[]) {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean }> = {};
  for (const [name, o] of Object.entries(command.options)) {
    options[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
    if (o.default !== undefined) options[name]!.default = o.default;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, '').replace(/^Option '(?:-\w, )?(--[\w-]+)(?: <value>)?' argument missing$/, 'option $1 needs a value'));
  }
  for (const [name, o] of Object.entries(command.options) as Array<[string, OptionSpec]>) {
    const v = parsed.values[name];
    if (o.choices && typeof v === 'string' && !o.choices.includes(v)) {
      throw new UsageError(`--${name} must be one of ${o.choices.join(', ')} (got "${v}")`);
    }
  }
  const { min, max } = command.positionals;
  if (parsed.positionals.length < min) throw new UsageError(`missing argument: ${command.usage}`);
  if (parsed.positionals.length > max) throw new UsageError(`unexpected argument "${parsed.positionals[max]}"`);
  return { values: parsed.values as Record<string, string | boolean | string[] | undefined>, positionals: parsed.positionals };
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

function reportError(e: unknown, io: CliIO, debug: boolean, command: Command | undefined): number {
  const hint = `run 'driftguard ${command ? `${command.name} ` : ''}--help' for usage`;
  if (e instanceof UsageError || (isDriftguardError(e) && e.code === 'USAGE')) {
    io.stderr.write(`driftguard: ${oneLine(isDriftguardError(e) ? e.toString() : e.message)} (${hint})\n`);
    return EXIT.USAGE;
  }
  if (isDriftguardError(e)) {
    io.stderr.write(`driftguard: ${oneLine(e.toString())}\n`);
    if (debug && e.stack) io.stderr.write(`${e.stack}\n`);
    return EXIT.FAILED;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  io.stderr.write(`driftguard: unexpected error: ${oneLine(err.message)}${debug ? '' : ' (run with --debug for the stack trace)'}\n`);
  if (debug && err.stack) io.stderr.write(`${err.stack}\n`);
  return EXIT.FAILED;
}

export { DriftguardError };
