// `npm run build`: compiles src/, workers/ and emulators/ to JavaScript in dist/ (tsc with
// tsconfig.build.json: `.ts` imports become `.js`; the web and worker processes run these files), then
// bundles the CLI's own modules into dist/cli/ with esbuild (npm packages stay external): one file instead
// of ~150 to load halves the CLI's start. dist/build.json records a hash of the sources it was
// built from, so the CLI's bin, `npm start` and `npm run worker` can tell a current build from a stale one
// and never run old code silently. Type errors do not stop a build (tsx runs such code too); checking
// types is `npm run typecheck`'s job.
//
// Usage: node scripts/build.js            build when dist/ is missing or stale (a no-op otherwise)
//        node scripts/build.js --force    always build
//        node scripts/build.js --check    exit 0 when dist/ is current, 1 otherwise (prints why)
// Plain JavaScript: it runs before anything is compiled.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Everything whose change changes what dist/ holds. */
const SOURCE_DIRS = ['src', 'workers', 'emulators'];
const SOURCE_FILES = ['tsconfig.json', 'tsconfig.build.json', 'scripts/build.js'];
const STAMP = 'build.json';
const LOCK_WAIT_MS = 300_000;

function walk(root, dir, out) {
  let entries;
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true });
  } catch (e) {
    if (e.code === 'ENOENT') return out;
    throw e;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(root, p, out);
    else out.push(p);
  }
  return out;
}

/** A hash of every source file's path and content (about 10 ms); undefined when the sources are absent
 * (an installed package or the production image ships dist/ alone, which is then what runs). */
export function sourceHash(root = ROOT) {
  if (!existsSync(join(root, 'src'))) return undefined;
  const files = [...SOURCE_DIRS.flatMap((d) => walk(root, d, [])), ...SOURCE_FILES.filter((f) => existsSync(join(root, f)))].sort();
  const h = createHash('sha256');
  for (const f of files) h.update(`${f}\0`).update(readFileSync(join(root, f))).update('\0');
  return h.digest('hex');
}

/** { current: true } when dist/ was built from exactly the sources on disk, else why not. */
export function buildState(root = ROOT) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, 'dist', STAMP), 'utf8'));
  } catch {
    return { current: false, reason: 'dist/ has not been built' };
  }
  const hash = sourceHash(root);
  if (hash === undefined) return { current: true, reason: 'no sources here: dist/ is what runs' };
  if (stamp.sources !== hash) return { current: false, reason: 'the sources changed since dist/ was built' };
  return { current: true, reason: 'dist/ matches the sources' };
}

/** The TypeScript compiler's entry script and esbuild, or undefined when they are not installed (production deps only). */
export function findCompilers(root = ROOT) {
  try {
    const require = createRequire(join(root, 'package.json'));
    const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
    return existsSync(tsc) ? { tsc, esbuild: require('esbuild') } : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** One build at a time per checkout (CLI calls and test files may ask at once): a lock directory holding
 * the builder's pid; a lock whose builder died is taken over. */
function withLock(root, fn) {
  const lock = join(root, '.dist.lock');
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let pid = NaN;
      try { pid = Number(readFileSync(join(lock, 'pid'), 'utf8')); } catch { /* being written or removed */ }
      if (Number.isInteger(pid) && pid > 0 && !alive(pid)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`another build (pid ${pid}) holds ${lock} for over ${LOCK_WAIT_MS / 1000} s; remove it if no build is running`);
      else sleep(100);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Builds dist/ unless it is current (or `force`). Compiles into a fresh directory and swaps it in, so a
 * process running from dist/ meanwhile never sees a half-written tree. Returns { built, ms, reason };
 * throws with tsc's output when compiling fails (dist/ is then left as it was).
 */
export function build({ root = ROOT, force = false } = {}) {
  const before = buildState(root);
  if (before.current && !force) return { built: false, reason: before.reason };
  const compilers = findCompilers(root);
  if (!compilers) throw new Error(`${before.reason}, and TypeScript is not installed to build it (run npm install, then npm run build)`);
  return withLock(root, () => {
    const again = buildState(root);
    if (again.current && !force) return { built: false, reason: again.reason }; // built by whoever held the lock
    const started = Date.now();
    // Hashed before compiling: a source edited during the build leaves dist/ stale, never falsely current.
    const sources = sourceHash(root);
    const tmp = join(root, `.dist-tmp-${process.pid}`);
    rmSync(tmp, { recursive: true, force: true });
    const r = spawnSync(process.execPath, [compilers.tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', tmp, '--noCheck'], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) {
      rmSync(tmp, { recursive: true, force: true });
      throw new Error(`tsc failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`.trimEnd());
    }
    try {
      // Commands import their heavy parts when they run: splitting keeps those in chunks loaded on demand.
      compilers.esbuild.buildSync({
        entryPoints: [join(tmp, 'src/cli/main.js')], outdir: join(tmp, 'cli'), bundle: true, splitting: true,
        format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'silent',
      });
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw new Error(`esbuild failed: ${e.message}`);
    }
    writeFileSync(join(tmp, STAMP), `${JSON.stringify({ sources, builtAt: new Date().toISOString() })}\n`);
    const old = join(root, `.dist-old-${process.pid}`);
    const dist = join(root, 'dist');
    if (existsSync(dist)) renameSync(dist, old);
    renameSync(tmp, dist);
    rmSync(old, { recursive: true, force: true });
    return { built: true, ms: Date.now() - started, reason: before.reason };
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--force' && a !== '--check');
  if (unknown.length) {
    console.error(`build: unknown option ${unknown[0]} (use --force or --check)`);
    process.exit(2);
  }
  if (args.includes('--check')) {
    const s = buildState();
    console.error(`build: ${s.reason}`);
    process.exit(s.current ? 0 : 1);
  }
  try {
    const r = build({ force: args.includes('--force') });
    // Silent when current: `npm start` and `npm run worker` check on every start.
    if (r.built) console.error(`build: compiled to ${relative(process.cwd(), join(ROOT, 'dist')) || '.'}/ in ${(r.ms / 1000).toFixed(1)} s (${r.reason})`);
  } catch (e) {
    console.error(`build: ${e.message}`);
    process.exit(1);
  }
}
