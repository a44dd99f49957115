// A missing dist/ is built before the first call runs; without TypeScript a stale dist/ is not run either:
// the sources run through tsx, with a note. Runs on copies of the checkout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkoutCopy, cli, editSummary, ranCompiled, ranSources, repo } from './compiled-support.ts';

test('a missing dist/ is built before the first call runs', () => {
  const root = checkoutCopy({ withTypescript: true });
  try {
    const first = cli(root, ['render', 'test/fixtures/cli/app']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /^driftguard: dist\/ has not been built; compiling it \(npm run build\)\.\.\.\ndriftguard: compiled in \d+\.\d s\n$/);
    assert.match(first.stdout, /^# Source: test\/fixtures\/cli\/app\/deployment\.yaml:1$/m);
    assert.ok(ranCompiled(first, root));
    const check = spawnSync(process.execPath, [join(root, 'scripts/build.js'), '--check'], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
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
