#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';
register();
// `driftguard render ... | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
