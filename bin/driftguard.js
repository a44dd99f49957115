#!/usr/bin/env node
// Runs the compiled CLI (dist/, see scripts/build.js) when it was built from exactly the sources on disk.
// Otherwise it compiles first (a checkout with TypeScript installed; a note on stderr), or, when it cannot,
// runs the TypeScript sources through tsx with a note saying so: never an old build silently.
// DRIFTGUARD_CLI=tsx runs the sources through tsx on purpose (development; no build, no note).
import { build, buildState } from '../scripts/build.js';

// `driftguard render ... | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

async function viaTsx() {
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    process.stderr.write('driftguard: tsx is not installed to run the sources either: run npm install (it builds dist/), or npm run build\n');
    process.exit(1);
  }
  return import('../src/cli/main.ts');
}

async function loadMain() {
  const mode = process.env.DRIFTGUARD_CLI ?? '';
  if (mode === 'tsx') return viaTsx();
  if (mode !== '') {
    process.stderr.write(`driftguard: DRIFTGUARD_CLI must be "tsx" or unset (got "${mode}")\n`);
    process.exit(2);
  }
  const state = buildState();
  if (state.current) return import('../dist/cli/main.js');
  process.stderr.write(`driftguard: ${state.reason}; compiling it (npm run build)...\n`);
  try {
    const r = build();
    if (r.built) process.stderr.write(`driftguard: compiled in ${(r.ms / 1000).toFixed(1)} s\n`);
    return import('../dist/cli/main.js');
  } catch (e) {
    process.stderr.write(`driftguard: cannot build dist/: ${e.message}\ndriftguard: running the TypeScript sources through tsx instead (slower start)\n`);
    return viaTsx();
  }
}

const { main } = await loadMain();
process.exitCode = await main(process.argv.slice(2));
