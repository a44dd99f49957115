// CLI start-up: whole `driftguard` processes that only read files (--help, render and validate of a small
// plain-YAML app), median of 10 runs each, the compiled CLI (dist/, what bin runs when it is current)
// against the TypeScript sources through tsx (DRIFTGUARD_CLI=tsx). Wall time grows with whatever else
// runs on the cores, so each run also reports its own CPU time (user + system, all threads), which the
// load barely changes, and the 1-minute load average is printed with the figures.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
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
// Preloaded into each run: writes the process's CPU time (µs) to $DG_CPU_FILE when it exits.
const REPORT_CPU = `data:text/javascript,${encodeURIComponent("import { writeFileSync } from 'node:fs'; process.on('exit', () => { const u = process.cpuUsage(); writeFileSync(process.env.DG_CPU_FILE, String(u.user + u.system)); });")}`;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[s.length / 2 - 1]! + s[s.length / 2]!) / 2);
};

function measure(args: string[], env: NodeJS.ProcessEnv): { wallMs: number; cpuMs: number } {
  const dir = mkdtempSync(join(tmpdir(), 'dg-cli-bench-'));
  const cpuFile = join(dir, 'cpu');
  const wall: number[] = [];
  const cpu: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      const r = spawnSync(process.execPath, ['--import', REPORT_CPU, 'bin/driftguard.js', ...args], {
        cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, DG_CPU_FILE: cpuFile, ...env },
      });
      wall.push(performance.now() - t);
      if (r.status !== 0 || r.stderr) throw new Error(`driftguard ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
      cpu.push(Number(readFileSync(cpuFile, 'utf8')) / 1000);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { wallMs: median(wall), cpuMs: median(cpu) };
}

export default async function cliBench(): Promise<BenchFigure[]> {
  const built = spawnSync(process.execPath, ['scripts/build.js'], { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`npm run build failed: ${built.stderr}`);
  const figures: BenchFigure[] = [{ name: 'load average (1 min) before the runs', value: Number(loadavg()[0]!.toFixed(2)), unit: '' }];
  for (const [name, args] of CALLS) {
    const compiled = measure(args, {});
    const sources = measure(args, { DRIFTGUARD_CLI: 'tsx' });
    figures.push(
      { name: `driftguard ${name}, compiled: wall, median of ${RUNS}`, value: compiled.wallMs, unit: 'ms', goal: `< ${GOAL_MS} ms`, ok: compiled.wallMs < GOAL_MS },
      { name: `driftguard ${name}, compiled: CPU time, median of ${RUNS}`, value: compiled.cpuMs, unit: 'ms' },
      { name: `driftguard ${name}, tsx (sources): wall, median of ${RUNS}`, value: sources.wallMs, unit: 'ms' },
      { name: `driftguard ${name}, tsx (sources): CPU time, median of ${RUNS}`, value: sources.cpuMs, unit: 'ms' },
    );
  }
  return figures;
}
