// Help text, generated from the command table so new commands document themselves.
import type { Command, OptionSpec } from './command.ts';

export function programHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'driftguard: GitOps for Kubernetes in pull requests',
    '',
    'Usage: driftguard <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    '  -h, --help     show help (also `driftguard <command> --help`)',
    '  -V, --version  print the version',
    '  --debug        print stack traces of errors',
    '',
    'Exit codes: 0 success, 1 command failed, 2 usage error, 3 differences found (diff/health with --exit-code), 4 synced but not healthy.',
    '',
  ].join('\n');
}

function optionLabel(name: string, o: OptionSpec): string {
  const value = o.type === 'string' ? ` <${o.valueName ?? 'value'}>` : '';
  return `${o.short ? `-${o.short}, ` : '    '}--${name}${value}`;
}

export function commandHelp(c: Command): string {
  const entries = Object.entries(c.options);
  const labels = entries.map(([n, o]) => optionLabel(n, o));
  const width = Math.max(0, ...labels.map((l) => l.length));
  const lines = [`Usage: driftguard ${c.usage}`, '', c.summary, ''];
  if (entries.length) {
    lines.push('Options:');
    entries.forEach(([, o], i) => {
      const extra = [o.choices ? `one of: ${o.choices.join(', ')}` : '', o.default !== undefined && o.default !== false ? `default: ${o.default}` : '', o.multiple ? 'repeatable' : '']
        .filter(Boolean)
        .join('; ');
      lines.push(`  ${labels[i]!.padEnd(width)}  ${o.description}${extra ? ` (${extra})` : ''}`);
    });
    lines.push(`  ${'-h, --help'.padEnd(width)}  show this help`);
    lines.push('');
  }
  if (c.details) lines.push(c.details.trim(), '');
  return lines.join('\n');
}
