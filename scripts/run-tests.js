// `npm test`: runs every test/**/*.test.ts with node's test runner through tsx.
// Node 20's --test does not expand globs, so the files are listed here.
// Usage: npm test [-- <path-substring> ...] to run a subset.
//
// When a selected file runs on the real control plane (it imports test/support/cluster-backend.ts), this
// builds or reuses kube-apiserver/kube-controller-manager/etcd (scripts/build-control-plane.js) and starts
// ONE control plane for the run (src/devtools/shared-cluster.ts); tests isolate by namespace. Without Go
// it says so in one line and runs the emulator side only — unless DRIFTGUARD_REQUIRE_REAL_CLUSTER=1 (CI).
//
// The compiled CLI (dist/) is brought up to date first, so tests that spawn bin/driftguard.js run the
// current sources without each of them compiling (and noting it on stderr).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { buildControlPlane, findGo } from './build-control-plane.js';
import { build } from './build.js';

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') return [];
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}
const filters = process.argv.slice(2);
const files = walk('test')
  .map((f) => relative('.', f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

const env = { ...process.env, DRIFTGUARD_TEST: '1' };
const needsReal = files.some((f) => readFileSync(f, 'utf8').includes('cluster-backend.ts'));
const required = process.env.DRIFTGUARD_REQUIRE_REAL_CLUSTER === '1';
let shared;

async function startShared() {
  if (env.DRIFTGUARD_REAL_CLUSTER === 'off' && required) throw new Error('DRIFTGUARD_REAL_CLUSTER=off contradicts DRIFTGUARD_REQUIRE_REAL_CLUSTER=1');
  if (env.DRIFTGUARD_REAL_CLUSTER === 'off' || env.DRIFTGUARD_REAL_KUBECONFIG) return;
  if (!findGo()) {
    if (required) throw new Error('Go is not installed but DRIFTGUARD_REQUIRE_REAL_CLUSTER=1: the real-server suites cannot run');
    console.error('Go not found: the real kube-apiserver suites are skipped (emulator only); install Go 1.26 to run them');
    env.DRIFTGUARD_REAL_CLUSTER = 'off';
    return;
  }
  env.DRIFTGUARD_CONTROL_PLANE_DIR ??= await buildControlPlane();
  // stdin is a pipe the child watches: it stops when we close it or die.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/devtools/shared-cluster.ts'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  shared = child;
  let out = '';
  child.stdout.setEncoding('utf8');
  const kubeconfig = await new Promise((resolve, reject) => {
    child.stdout.on('data', (s) => {
      out += s;
      const m = /kubeconfig: (.+)\n/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`the shared control plane exited (${code}) before it was ready:\n${out}`)));
  });
  console.error(`real control plane ${/version: (.+)/.exec(out)?.[1] ?? ''} for this run: ${kubeconfig}`);
  env.DRIFTGUARD_REAL_KUBECONFIG = kubeconfig;
}

async function stopShared() {
  if (!shared || shared.exitCode !== null) return;
  const exited = once(shared, 'exit');
  shared.stdin.end();
  await exited;
}

let status = 1;
try {
  const built = build();
  if (built.built) console.error(`compiled dist/ in ${(built.ms / 1000).toFixed(1)} s (${built.reason})`);
  if (needsReal) await startShared();
  const args = ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=180000', '--test-reporter=spec', ...files];
  const child = spawn(process.execPath, args, { stdio: 'inherit', env });
  const [code] = await once(child, 'exit');
  status = code ?? 1;
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
} finally {
  await stopShared();
}
process.exit(status);
