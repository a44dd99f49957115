// `npm run bench`: runs every bench/*.bench.ts (or those whose name contains an argument) and prints
// one table. Each bench module default-exports an async function returning BenchFigure[].
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cpus, totalmem } from 'node:os';

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  goal?: string;
  ok?: boolean;
}

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

const cpu = cpus()[0]?.model ?? 'unknown cpu';
console.log(`machine: ${cpus().length} x ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
let failed = 0;
for (const f of files) {
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { default: () => Promise<BenchFigure[]> };
  const figures = await mod.default();
  for (const r of figures) {
    const mark = r.ok === undefined ? ' ' : r.ok ? '✓' : '✗';
    if (r.ok === false) failed++;
    console.log(`${mark} ${f.replace('.bench.ts', '').padEnd(10)} ${r.name.padEnd(58)} ${String(r.value).padStart(10)} ${r.unit.padEnd(6)} ${r.goal ? `goal ${r.goal}` : ''}`);
  }
}
if (failed) console.log(`${failed} figure(s) missed their goal`);
