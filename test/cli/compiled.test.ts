// The compiled CLI (dist/, scripts/build.js) prints exactly what the TypeScript sources print, and a call
// that only reads files does not load the cluster client. Which code ran is seen through the module log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CASES, cli, ranCompiled, ranSources, repo } from './compiled-support.ts';

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
