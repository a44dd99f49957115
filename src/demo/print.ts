// Terminal rendering for the demo: what a user would see on GitHub, as plain text.
import type { CheckRunRecord, DeploymentRecord } from '../../emulators/github/index.ts';

const tty = process.stdout.isTTY && !process.env.NO_COLOR;
const c = (code: string, s: string) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = (s: string) => c('1', s);
const dim = (s: string) => c('2', s);

export const heading = (s: string) => `\n${bold(`━━ ${s}`)}`;
export const step = (s: string) => `  ${dim('•')} ${s}`;

export function checkRun(r: CheckRunRecord): string {
  const mark = r.conclusion === 'success' ? c('32', '✓') : r.conclusion === 'failure' ? c('31', '✗') : c('33', '•');
  const lines = [`  ${mark} check run ${bold(r.name)} on ${r.headSha.slice(0, 7)}: ${r.conclusion ?? r.status} — ${r.output.title ?? ''}`];
  for (const a of r.annotations.slice(0, 5)) lines.push(`      ${a.annotation_level} ${a.path}:${a.start_line} ${a.message}`);
  return lines.join('\n');
}

export function comment(title: string, body: string): string {
  const rule = dim('─'.repeat(78));
  return [`  ${bold(title)}`, rule, body.trimEnd(), rule].join('\n');
}

export function deployment(d: DeploymentRecord): string {
  const last = d.statuses.at(-1);
  return `  ${bold('deployment')} ${d.environment} @ ${d.sha.slice(0, 7)}: ${d.statuses.map((s) => s.state).join(' → ') || 'created'}${last?.description ? ` — ${last.description}` : ''}`;
}
