// The production image's layout (the Dockerfile's runtime stage: dist/, production packages, no sources,
// no compiler) runs the compiled CLI as the checkout does and loads the web entry point.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASES, cli, ranCompiled, repo } from './compiled-support.ts';

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
