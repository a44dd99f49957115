// Runs bin/driftguard.js as a process and sees which code ran: a module-load hook logs every module URL
// node loads (the compiled bundle in dist/cli/, or the .ts sources through tsx), not timings.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../../', import.meta.url));

// --import this: every module node loads is appended to $DG_MODULE_LOG (hooks run off the main thread).
const HOOKS = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) { appendFileSync(process.env.DG_MODULE_LOG, url + '\\n'); return next(url, context); }`;
const REGISTER = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`)}`;

export interface Run { code: number | null; stdout: string; stderr: string; modules: string[] }

export function cli(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const dir = mkdtempSync(join(tmpdir(), 'dg-modlog-'));
  const log = join(dir, 'modules');
  writeFileSync(log, '');
  try {
    const r = spawnSync(process.execPath, ['--import', REGISTER, join(cwd, 'bin/driftguard.js'), ...args], {
      cwd: repo, encoding: 'utf8', timeout: 120_000,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DG_MODULE_LOG: log, ...env },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const ranCompiled = (r: Run, root: string) => r.modules.includes(`file://${join(root, 'dist/cli/main.js')}`) && !r.modules.some((u) => u.endsWith('.ts'));
export const ranSources = (r: Run, root: string) => r.modules.includes(`file://${join(root, 'src/cli/main.ts')}`);

export const CASES: Array<[string, string[]]> = [
  ['render kustomize -o json', ['render', 'test/fixtures/render/kustomize/overlays/prod', '-o', 'json']],
  ['render plain YAML (Secret values masked)', ['render', 'test/fixtures/cli/app']],
  ['render a failing chart', ['render', 'test/fixtures/render/helm/missing-dep']],
  ['diff against a live file', ['diff', 'test/fixtures/cli/app', '--live', 'test/fixtures/cli/live/live.yaml', '--exit-code']],
  ['validate -o json', ['validate', 'test/fixtures/cli/app', '-o', 'json']],
  ['validate with errors', ['validate', 'test/fixtures/policy/misindented.yaml']],
  ['health -o json', ['health', 'test/fixtures/cli/health', '-o', 'json', '--exit-code']],
  ['usage error', ['diff', 'test/fixtures/cli/app', '--output']],
];

/** A copy of the checkout's code (no dist/) sharing node_modules, or a node_modules without TypeScript. */
export function checkoutCopy(opts: { withTypescript: boolean }): string {
  const root = mkdtempSync(join(tmpdir(), 'dg-checkout-'));
  for (const p of ['src', 'workers', 'emulators', 'bin', 'scripts', 'package.json', 'tsconfig.json', 'tsconfig.build.json']) cpSync(join(repo, p), join(root, p), { recursive: true });
  symlinkSync(join(repo, '.tools'), join(root, '.tools'));
  const modules = join(repo, 'node_modules');
  if (opts.withTypescript) symlinkSync(modules, join(root, 'node_modules'));
  else {
    mkdirSync(join(root, 'node_modules'));
    for (const name of readdirSync(modules)) if (name !== 'typescript' && name !== '.bin') symlinkSync(join(modules, name), join(root, 'node_modules', name));
  }
  return root;
}

export function editSummary(root: string, summary: string): void {
  const file = join(root, 'src/cli/commands/render.ts');
  const text = readFileSync(file, 'utf8').replace(/summary: '[^']*'/, `summary: '${summary}'`);
  assert.ok(text.includes(summary));
  writeFileSync(file, text);
}
