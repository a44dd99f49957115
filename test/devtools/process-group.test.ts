// Managed processes never outlive their parent: not when it exits without cleaning up, not when it is
// SIGKILLed (the watchdog then also removes the throwaway directory).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { connect } from 'node:net';
import { until } from '../../src/devtools/system.ts';

const MODULE = new URL('../../src/devtools/process-group.ts', import.meta.url).href;

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** A node process that starts a managed `sleep` (in a process group with a child `sleep` of its own), prints both pids, then `then`s. */
async function parentWithSleeper(dir: string, then: 'exit' | 'hang') {
  const script = `
    import { startManagedProcess } from ${JSON.stringify(MODULE)};
    const p = startManagedProcess('sleeper', 'sh', ['-c', 'sleep 300 & echo $! > ${dir}/grandchild; wait'], { logFile: ${JSON.stringify(join(dir, 'log'))}, removeWhenOrphaned: ${JSON.stringify(dir)} });
    console.log(p.pid);
    ${then === 'exit' ? 'setTimeout(() => process.exit(0), 1500);' : 'setInterval(() => {}, 1000);'}
  `;
  const file = join(mkdtempSync(join(tmpdir(), 'dg-pg-script-')), 'parent.ts');
  writeFileSync(file, script);
  const child = spawn(process.execPath, ['--import', 'tsx', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await once(child.stdout, 'data') as [Buffer];
  const pid = Number(line.toString().trim());
  const grandchild = await until('the grandchild pid', () => existsSync(join(dir, 'grandchild')) && Number(readFileSync(join(dir, 'grandchild'), 'utf8').trim()));
  return { child, pid, grandchild };
}

test('a process exiting without cleanup takes its managed process group with it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-pg-'));
  const { child, pid, grandchild } = await parentWithSleeper(dir, 'exit');
  assert.ok(alive(pid) && alive(grandchild));
  await once(child, 'exit');
  await until('the managed process and its child to be gone', () => !alive(pid) && !alive(grandchild), 10_000);
});

test('a SIGKILLed parent: the watchdog kills the group and removes the directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-pg-'));
  const { child, pid, grandchild } = await parentWithSleeper(dir, 'hang');
  child.kill('SIGKILL');
  await once(child, 'exit');
  await until('the managed process and its child to be gone', () => !alive(pid) && !alive(grandchild), 10_000);
  await until('the directory to be removed', () => !existsSync(dir), 10_000);
});

test('a SIGKILLed test process leaves no redis-server behind (test/support/redis.ts)', async () => {
  const script = `
    import { RedisServer } from ${JSON.stringify(new URL('../support/redis.ts', import.meta.url).href)};
    const r = await RedisServer.start();
    console.log(r.port);
    setInterval(() => {}, 1000);
  `;
  const file = join(mkdtempSync(join(tmpdir(), 'dg-pg-script-')), 'parent.mts');
  writeFileSync(file, script);
  const child = spawn(process.execPath, ['--import', 'tsx', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await once(child.stdout, 'data') as [Buffer];
  const port = Number(line.toString().trim());
  const listening = () => new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); }).on('error', () => resolve(false));
  });
  assert.ok(await listening(), 'redis-server is up');
  child.kill('SIGKILL');
  await once(child, 'exit');
  await until('the orphaned redis-server to be gone', async () => !(await listening()), 30_000);
});
