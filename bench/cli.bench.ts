// CLI start-up: wall time of whole `driftguard` processes that only read files (--help, render and
// validate of a small plain-YAML app), median of 10 runs each, the compiled CLI (dist/, what bin runs
// when it is current) against the TypeScript sources through tsx (DRIFTGUARD_CLI=tsx). Wall time grows with
// whatever else runs on the cores, so the 1-minute load average is printed with the figures.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { BenchFigure } from './run.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 10;
const GOAL_MS = 300;
const CALLS: Array<[string, string[]]> = [
  ['--help', ['--help']],
  ['render <plain-YAML dir>', ['render', 'test/fixtures/cli/app']],
  ['validate <plain-YAML dir>', ['validate', 'test/fixtures/cli/app']],
];

function medianMs(args: string[], env: NodeJS.ProcessEnv): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, ['bin/driftguard.js', ...args], { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, encoding: 'utf8' });
    times.push(performance.now() - t);
    if (r.status !== 0 || r.stderr) throw new Error(`driftguard ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  times.sort((a, b) => a - b);
  return Math.round((times[RUNS / 2 - 1]! + times[RUNS / 2]!) / 2);
}

export default async function cliBench(): Promise<BenchFigure[]> {
  const built = spawnSync(process.execPath, ['scripts/build.js'], { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`npm run build failed: ${built.stderr}`);
  const figures: BenchFigure[] = [{ name: 'load average (1 min) before the runs', value: Number(loadavg()[0]!.toFixed(2)), unit: '' }];
  for (const [name, args] of CALLS) {
    const compiled = medianMs(args, {});
    figures.push({ name: `driftguard ${name}, compiled: median of ${RUNS}`, value: compiled, unit: 'ms', goal: `< ${GOAL_MS} ms`, ok: compiled < GOAL_MS });
    figures.push({ name: `driftguard ${name}, tsx (sources): median of ${RUNS}`, value: medianMs(args, { DRIFTGUARD_CLI: 'tsx' }), unit: 'ms' });
  }
  return figures;
}
