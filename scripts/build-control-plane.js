// `npm run build:control-plane`: builds kube-apiserver, kube-controller-manager (tools/control-plane) and
// etcd (tools/etcd) from their Go modules into a machine-wide cache shared by every clone:
//   ${DRIFTGUARD_CACHE_DIR:-~/.cache/driftguard}/control-plane/<kube version>-<hash>/
// The hash covers both modules' go.mod/go.sum, etcd's main.go, the build flags and the Go version, so a
// change to any of them builds a new directory and an unchanged tree is a no-op.
// CLI: prints progress on stderr and the directory on stdout. `--check` only reports whether it is built
// (exit 1 if not). Exit 2 when Go is missing. Also imported by scripts/run-tests.js.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const KUBE_VERSION = 'v1.36.3';
export const ETCD_VERSION = 'v3.6.8';
export const BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager'];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [major, minor] = KUBE_VERSION.slice(1).split('.');
// The version stamp `kubectl version` and /version show (hack/lib/version.sh sets the same variables).
const KUBE_LDFLAGS = [
  '-s', '-w',
  `-X k8s.io/component-base/version.gitVersion=${KUBE_VERSION}`,
  `-X k8s.io/component-base/version.gitMajor=${major}`,
  `-X k8s.io/component-base/version.gitMinor=${minor}`,
  '-X k8s.io/component-base/version.gitTreeState=clean',
  `-X k8s.io/component-base/version.gitCommit=${KUBE_VERSION}`,
  '-X k8s.io/component-base/version.buildDate=1970-01-01T00:00:00Z',
].join(' ');
const ETCD_LDFLAGS = '-s -w';
const KUBE_PACKAGES = ['k8s.io/kubernetes/cmd/kube-apiserver', 'k8s.io/kubernetes/cmd/kube-controller-manager'];

export function cacheRoot() {
  return process.env.DRIFTGUARD_CACHE_DIR || join(homedir(), '.cache', 'driftguard');
}

/** The `go` binary, or undefined when Go is not installed. */
export function findGo() {
  const go = process.env.GO || 'go';
  const r = spawnSync(go, ['env', 'GOVERSION'], { encoding: 'utf8' });
  return r.status === 0 ? { bin: go, version: r.stdout.trim() } : undefined;
}

/** Where this tree's binaries live (built or not). */
export function controlPlaneDir(go = findGo()) {
  const h = createHash('sha256');
  for (const f of ['tools/control-plane/go.mod', 'tools/control-plane/go.sum', 'tools/etcd/go.mod', 'tools/etcd/go.sum', 'tools/etcd/main.go']) {
    h.update(f).update('\0').update(readFileSync(join(root, f))).update('\0');
  }
  h.update(KUBE_LDFLAGS).update(ETCD_LDFLAGS).update(go?.version ?? 'no-go');
  return join(cacheRoot(), 'control-plane', `${KUBE_VERSION}-${h.digest('hex').slice(0, 12)}`);
}

export function isBuilt(dir) {
  return existsSync(join(dir, 'manifest.json')) && BINARIES.every((b) => existsSync(join(dir, b)));
}

function goEnv() {
  // Never fetch another toolchain, never touch go.mod/go.sum: the committed files are the pin.
  return { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly', CGO_ENABLED: '0' };
}

/** Runs `go build -v`, reporting how many packages it compiled every few seconds. */
function goBuild(go, cwd, args, label, total, log) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const p = spawn(go.bin, ['build', '-v', ...args], { cwd, env: goEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let compiled = 0;
    let tail = '';
    p.stderr.setEncoding('utf8');
    p.stderr.on('data', (s) => {
      tail = (tail + s).slice(-8000);
      compiled += s.split('\n').filter((l) => l && !l.startsWith('go: ') && !l.startsWith('#')).length;
    });
    const secs = () => Math.round((Date.now() - started) / 1000);
    const timer = setInterval(() => log(`  ${label}: ${compiled}${total ? `/${total}` : ''} packages compiled (${secs()}s)`), 30_000);
    p.on('error', (e) => { clearInterval(timer); reject(e); });
    p.on('exit', (code, signal) => {
      clearInterval(timer);
      if (code === 0) { log(`  ${label}: done in ${secs()}s`); resolve(); }
      else reject(new Error(`go build of ${label} failed (${signal ?? `exit ${code}`}):\n${tail}`));
    });
  });
}

function countDeps(go, cwd, pkgs) {
  const r = spawnSync(go.bin, ['list', '-deps', ...pkgs], { cwd, env: goEnv(), encoding: 'utf8', maxBuffer: 64 << 20 });
  return r.status === 0 ? r.stdout.split('\n').filter(Boolean).length : undefined;
}

/**
 * Builds the binaries unless this tree's directory is complete; returns the directory.
 * Builds into a temporary sibling and renames it, so an interrupted or concurrent build never leaves a
 * half-filled directory that later runs would trust.
 */
export async function buildControlPlane({ log = (l) => process.stderr.write(`${l}\n`) } = {}) {
  const go = findGo();
  if (!go) throw Object.assign(new Error('Go is not installed (needed to build kube-apiserver, kube-controller-manager and etcd)'), { code: 'NO_GO' });
  const dir = controlPlaneDir(go);
  if (isBuilt(dir)) return dir;
  const started = Date.now();
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    log(`building the Kubernetes control plane ${KUBE_VERSION} + etcd ${ETCD_VERSION} with ${go.version} into ${dir}`);
    log('  (cold: tens of minutes on 2 cores; cached afterwards)');
    const cp = join(root, 'tools/control-plane');
    const etcd = join(root, 'tools/etcd');
    await goBuild(go, etcd, ['-trimpath', '-ldflags', ETCD_LDFLAGS, '-o', join(tmp, 'etcd'), '.'], 'etcd', countDeps(go, etcd, ['.']), log);
    await goBuild(go, cp, ['-trimpath', '-ldflags', KUBE_LDFLAGS, '-o', `${tmp}/`, ...KUBE_PACKAGES], 'kube-apiserver + kube-controller-manager', countDeps(go, cp, KUBE_PACKAGES), log);
    writeFileSync(join(tmp, 'manifest.json'), `${JSON.stringify({ kube: KUBE_VERSION, etcd: ETCD_VERSION, go: go.version, builtAt: new Date().toISOString(), seconds: Math.round((Date.now() - started) / 1000) }, null, 2)}\n`);
    try {
      renameSync(tmp, dir);
    } catch (e) {
      if (!isBuilt(dir)) throw e; // another build finished first: use its directory
      rmSync(tmp, { recursive: true, force: true });
    }
    log(`control plane built in ${Math.round((Date.now() - started) / 1000)}s: ${dir}`);
    return dir;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes('--check');
  const go = findGo();
  if (!go) {
    console.error('Go is not installed: cannot build the real control plane (kube-apiserver, kube-controller-manager, etcd)');
    process.exit(2);
  }
  const dir = controlPlaneDir(go);
  if (check) {
    console.log(dir);
    process.exit(isBuilt(dir) ? 0 : 1);
  }
  buildControlPlane().then(
    (d) => console.log(d),
    (e) => { console.error(e.message); process.exit(1); },
  );
}
