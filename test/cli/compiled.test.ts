// The compiled CLI (dist/, scripts/build.js): it prints exactly what the TypeScript sources print, it
// never runs a stale or missing build silently (it rebuilds, or runs the sources with a note), and the
// production image's layout (Dockerfile) runs dist/ without sources or a compiler. Which code ran is seen
// through a module-load hook that logs every module URL node loads, not through timings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));

// --import this: every module node loads is appended to $DG_MODULE_LOG (hooks run off the main thread).
const HOOKS = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) { appendFileSync(process.env.DG_MODULE_LOG, url + '\\n'); return next(url, context); }`;
const REGISTER = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`)}`;

interface Run { code: number | null; stdout: string; stderr: string; modules: string[] }

function cli(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
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

const ranCompiled = (r: Run, root: string) => r.modules.includes(`file://${join(root, 'dist/cli/main.js')}`) && !r.modules.some((u) => u.endsWith('.ts'));
const ranSources = (r: Run, root: string) => r.modules.includes(`file://${join(root, 'src/cli/main.ts')}`);

const CASES: Array<[string, string[]]> = [
  ['render kustomize -o json', ['render', 'test/fixtures/render/kustomize/overlays/prod', '-o', 'json']],
  ['render plain YAML (Secret values masked)', ['render', 'test/fixtures/cli/app']],
  ['render a failing chart', ['render', 'test/fixtures/render/helm/missing-dep']],
  ['diff against a live file', ['diff', 'test/fixtures/cli/app', '--live', 'test/fixtures/cli/live/live.yaml', '--exit-code']],
  ['validate -o json', ['validate', 'test/fixtures/cli/app', '-o', 'json']],
  ['validate with errors', ['validate', 'test/fixtures/policy/misindented.yaml']],
  ['health -o json', ['health', 'test/fixtures/cli/health', '-o', 'json', '--exit-code']],
  ['usage error', ['diff', 'test/fixtures/cli/app', '--output']],
];

test('the compiled CLI prints exactly what the TypeScript sources print', async (t) => {
  const check = spawnSync(process.execPath, ['scripts/build.js', '--check'], { cwd: repo, encoding: 'utf8' });
  assert.equal(check.status, 0, `npm test builds dist/ before the tests: ${check.stderr}`);
  for (const [name, args] of CASES) {
    await t.test(name, () => {
      const compiled = cli(repo, args);
      const sources = cli(repo, args, { DRIFTGUARD_CLI: 'tsx' });
      assert.ok(ranCompiled(compiled, repo), `compiled run loaded:\n${compiled.modules.slice(0, 5).join('\n')}`);
      assert.ok(ranSources(sources, repo));
      assert.ok(compiled.stdout.length + compiled.stderr.length > 0);
      assert.deepEqual({ code: compiled.code, stdout: compiled.stdout, stderr: compiled.stderr }, { code: sources.code, stdout: sources.stdout, stderr: sources.stderr });
    });
  }
});

test('--help, render and validate of plain YAML do not load the cluster client (most of a cold start)', () => {
  for (const args of [['--help'], ['render', 'test/fixtures/cli/app'], ['validate', 'test/fixtures/cli/app']]) {
    const r = cli(repo, args);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(ranCompiled(r, repo));
    assert.deepEqual(r.modules.filter((u) => u.includes('/@kubernetes/client-node/')), [], args.join(' '));
  }
});

/** A copy of the checkout's code (no dist/) sharing node_modules, or a node_modules without TypeScript. */
function checkoutCopy(opts: { withTypescript: boolean }): string {
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

function editSummary(root: string, summary: string): void {
  const file = join(root, 'src/cli/commands/render.ts');
  const text = readFileSync(file, 'utf8').replace(/summary: '[^']*'/, `summary: '${summary}'`);
  assert.ok(text.includes(summary));
  writeFileSync(file, text);
}

test('a missing or stale dist/ is rebuilt before it runs; concurrent calls build once', async () => {
  const root = checkoutCopy({ withTypescript: true });
  try {
    const first = cli(root, ['render', 'test/fixtures/cli/app']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /^driftguard: dist\/ has not been built; compiling it \(npm run build\)\.\.\.\ndriftguard: compiled in \d+\.\d s\n$/);
    assert.equal(first.stdout, cli(repo, ['render', 'test/fixtures/cli/app']).stdout);
    assert.ok(ranCompiled(first, root));

    const quiet = cli(root, ['--help']);
    assert.equal(quiet.stderr, '', 'a current build runs without a note');
    assert.ok(ranCompiled(quiet, root));

    editSummary(root, 'Render, edited after the build');
    const stale = cli(root, ['--help']);
    assert.match(stale.stderr, /the sources changed since dist\/ was built; compiling it/);
    assert.match(stale.stdout, /Render, edited after the build/);
    assert.ok(ranCompiled(stale, root));

    // Three calls at once on a stale build: one compiles, the others wait for it; all run the new code.
    editSummary(root, 'Render, edited again');
    const runs = await Promise.all([0, 1, 2].map(() => new Promise<{ stdout: string; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, [join(root, 'bin/driftguard.js'), '--help'], { cwd: repo, env: { PATH: process.env.PATH } });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stderr += d));
      p.on('close', () => resolve({ stdout, stderr }));
    })));
    for (const r of runs) assert.match(r.stdout, /Render, edited again/);
    assert.equal(runs.filter((r) => /compiled in/.test(r.stderr)).length, 1, runs.map((r) => r.stderr).join('---\n'));
    assert.deepEqual(readdirSync(root).filter((n) => n.startsWith('.dist')), [], 'no lock or temporary build left behind');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('without TypeScript a stale dist/ is not run: the sources run through tsx, with a note', () => {
  const root = checkoutCopy({ withTypescript: false });
  try {
    cpSync(join(repo, 'dist'), join(root, 'dist'), { recursive: true }); // built from these same sources
    const current = cli(root, ['--help']);
    assert.equal(current.stderr, '');
    assert.ok(ranCompiled(current, root));
    editSummary(root, 'Render, edited with no compiler');
    const r = cli(root, ['--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^driftguard: the sources changed since dist\/ was built; compiling it \(npm run build\)\.\.\.\ndriftguard: cannot build dist\/: the sources changed since dist\/ was built, and TypeScript is not installed to build it \(run npm install, then npm run build\)\ndriftguard: running the TypeScript sources through tsx instead \(slower start\)\n$/);
    assert.ok(ranSources(r, root));
    assert.match(r.stdout, /Render, edited with no compiler/);
    const check = spawnSync(process.execPath, [join(root, 'scripts/build.js')], { encoding: 'utf8' });
    assert.equal(check.status, 1);
    assert.match(check.stderr, /TypeScript is not installed/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the image layout (the Dockerfile\'s runtime stage) runs dist/ with no sources and no compiler', () => {
  const docker = readFileSync(join(repo, 'Dockerfile'), 'utf8');
  const runtime = docker.slice(docker.lastIndexOf('\nFROM '));
  const copies = [...runtime.matchAll(/^COPY (?:--from=build \/app\/)?(\S+) \.\/(\S+)$/gm)].map((m) => ({ from: m[1]!, to: m[2]! }));
  assert.deepEqual(copies.map((c) => c.to).sort(), ['.tools', 'app.yml', 'bin', 'dist', 'node_modules', 'package.json', 'scripts/build.js']);
  assert.match(runtime, /^CMD \["node", "dist\/src\/web\/main\.js"\]$/m);
  const image = mkdtempSync(join(tmpdir(), 'dg-image-'));
  try {
    for (const c of copies) {
      mkdirSync(join(image, c.to, '..'), { recursive: true });
      // node_modules and .tools are what npm ci made: shared here (the image prunes dev packages too).
      if (c.to === 'node_modules' || c.to === '.tools') symlinkSync(join(repo, c.from), join(image, c.to));
      else cpSync(join(repo, c.from), join(image, c.to), { recursive: true });
    }
    assert.ok(!existsSync(join(image, 'src')));
    for (const [, args] of CASES.slice(0, 4)) {
      const r = cli(image, args);
      assert.ok(ranCompiled(r, image), r.stderr);
      const expected = cli(repo, args);
      assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code: expected.code, stdout: expected.stdout, stderr: expected.stderr });
    }
    // The web entry point loads (every import resolves in the compiled tree) and fails on missing config.
    const web = spawnSync(process.execPath, [join(image, 'dist/src/web/main.js')], { cwd: image, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH } });
    assert.equal(web.status, 1);
    assert.match(web.stderr, /^driftguard web: /);
  } finally {
    rmSync(image, { recursive: true, force: true });
  }
});
