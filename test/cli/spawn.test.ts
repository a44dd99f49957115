// The real executable: `node bin/driftguard.js ...` as a user or CI runs it, for exit codes and streams.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, ['bin/driftguard.js', ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('exit codes of the real executable', async (t) => {
  const live = 'test/fixtures/cli/live/live.yaml';
  const cases = [
    { name: '0: render', args: ['render', 'test/fixtures/render/kustomize/overlays/prod', '-o', 'json'], code: 0, out: /"kind": "PodDisruptionBudget"/, err: /^$/ },
    { name: '0: diff with differences', args: ['diff', 'test/fixtures/cli/app', '--live', live], code: 0, out: /^Summary: 1 to create, 2 to update, 1 to delete, 1 unchanged \(5 resources\)$/m, err: /^$/ },
    { name: '3: diff --exit-code with differences', args: ['diff', 'test/fixtures/cli/app', '--live', live, '--exit-code'], code: 3, out: /^~ update Deployment\.apps shop\/web/m, err: /^$/ },
    { name: '1: failed render', args: ['render', 'test/fixtures/render/helm/missing-dep'], code: 1, out: /^$/, err: /^driftguard: test\/fixtures\/render\/helm\/missing-dep\/Chart\.yaml:5: chart dependency "postgresql" \(oci:\/\/registry-1\.docker\.io\/bitnamicharts\) is not vendored under charts\/: .*\n$/ },
    { name: '2: usage', args: ['diff', 'test/fixtures/cli/app', '--output'], code: 2, out: /^$/, err: /^driftguard: option --output needs a value \(run 'driftguard diff --help' for usage\)\n$/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const r = cli(c.args);
      assert.equal(r.code, c.code, r.stderr);
      assert.match(r.stdout, c.out);
      assert.match(r.stderr, c.err);
      assert.doesNotMatch(r.stdout, /\x1b\[/); // a pipe is not a terminal
    });
  }
});
