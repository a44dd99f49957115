// A stale dist/ is never run silently: the bin rebuilds it before running, once however many calls ask at
// once. Runs on a copy of the checkout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkoutCopy, cli, editSummary, ranCompiled, repo } from './compiled-support.ts';

test('a stale dist/ is rebuilt before it runs; concurrent calls build once', async () => {
  const root = checkoutCopy({ withTypescript: true });
  try {
    cpSync(join(repo, 'dist'), join(root, 'dist'), { recursive: true }); // built from these same sources
    const quiet = cli(root, ['--help']);
    assert.equal(quiet.stderr, '', 'a current build runs without a note');
    assert.ok(ranCompiled(quiet, root));

    // Three calls at once on a stale build: one compiles, the others wait for it; all run the new code.
    editSummary(root, 'Render, edited after the build');
    const runs = await Promise.all([0, 1, 2].map(() => new Promise<{ stdout: string; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, [join(root, 'bin/driftguard.js'), '--help'], { cwd: repo, env: { PATH: process.env.PATH } });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stderr += d));
      p.on('close', () => resolve({ stdout, stderr }));
    })));
    for (const r of runs) {
      assert.match(r.stdout, /Render, edited after the build/);
      assert.match(r.stderr, /^driftguard: the sources changed since dist\/ was built; compiling it \(npm run build\)\.\.\.\n/);
    }
    assert.equal(runs.filter((r) => /compiled in/.test(r.stderr)).length, 1, runs.map((r) => r.stderr).join('---\n'));
    assert.deepEqual(readdirSync(root).filter((n) => n.startsWith('.dist')), [], 'no lock or temporary build left behind');

    const after = cli(root, ['--help']);
    assert.equal(after.stderr, '');
    assert.ok(ranCompiled(after, root));
    assert.match(after.stdout, /Render, edited after the build/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
