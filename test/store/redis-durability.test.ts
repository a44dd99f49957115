// Redis must persist (appendonly yes) and must not evict (maxmemory-policy noeviction). The real web
// and worker processes (`npm start`, `npm run worker` entry points) are started against real
// redis-server instances configured each way; their logs must carry the loud warning exactly when the
// server is unsafe, and say they could not check when CONFIG is disabled.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateAppPrivateKey } from '../../emulators/github/jwt.ts';
import { durabilityProblems } from '../../src/store/redis-durability.ts';
import { RedisServer } from '../support/redis.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = mkdtempSync(join(tmpdir(), 'driftguard-redis-check-'));
const operatorFile = join(work, 'operator.yml');
writeFileSync(operatorFile, 'clusters:\n  - {name: prod, context: prod}\nprojects:\n  - {name: default, repos: ["*/*"], destinations: [{cluster: prod, namespaces: ["*"]}]}\n');
const privateKey = generateAppPrivateKey();
after(() => rmSync(work, { recursive: true, force: true }));

interface LogLine { level: number; msg: string; redisCheck?: string; problems?: string[]; error?: string }

/** Start one process, collect its JSON log lines until it has reported the Redis check, stop it. */
async function redisCheckLog(entry: string, redisUrl: string): Promise<LogLine> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, HOME: work, APP_ID: '4242', PRIVATE_KEY: privateKey, WEBHOOK_SECRET: 'redis-check',
    REDIS_URL: redisUrl, DRIFTGUARD_CONFIG: operatorFile, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', LOG_FORMAT: 'json',
  };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  try {
    return await new Promise<LogLine>((resolve, reject) => {
      const onData = (b: Buffer) => {
        out += b.toString('utf8');
        for (const line of out.split('\n')) {
          if (!line.startsWith('{')) continue;
          const o = JSON.parse(line) as LogLine;
          if (o.redisCheck) return resolve(o);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.on('exit', (code) => reject(new Error(`${entry} exited (${code}) before checking Redis:\n${out}`)));
    });
  } finally {
    if (child.exitCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
  }
}

const WARN = 40;
const cases: Array<{ name: string; args: string[]; check: string; problem?: RegExp }> = [
  { name: 'AOF on, noeviction (the required setup)', args: ['--appendonly', 'yes', '--maxmemory-policy', 'noeviction'], check: 'ok' },
  { name: 'no AOF', args: [], check: 'failed', problem: /appendonly is no/ },
  { name: 'AOF on but an evicting policy', args: ['--appendonly', 'yes', '--maxmemory-policy', 'allkeys-lru'], check: 'failed', problem: /maxmemory-policy is allkeys-lru/ },
  { name: 'CONFIG disabled (managed Redis)', args: ['--appendonly', 'yes', '--rename-command', 'CONFIG', ''], check: 'unchecked' },
];

for (const c of cases) {
  test(`Redis check at start, ${c.name}: web and worker both ${c.check === 'ok' ? 'stay quiet' : 'warn'}`, async () => {
    const redis = await RedisServer.start({ args: c.args });
    try {
      const logs = await Promise.all([redisCheckLog('src/web/main.ts', redis.url), redisCheckLog('workers/main.ts', redis.url)]);
      for (const [i, line] of logs.entries()) {
        const who = i === 0 ? 'web' : 'worker';
        assert.equal(line.redisCheck, c.check, `${who}: ${JSON.stringify(line)}`);
        if (c.check === 'ok') {
          assert.ok(line.level < WARN, `${who} must not warn: ${line.msg}`);
          continue;
        }
        assert.equal(line.level, WARN, `${who}: ${line.msg}`);
        if (c.problem) {
          assert.match(line.msg, /^REDIS IS NOT DURABLE: /);
          assert.match(line.msg, c.problem);
          assert.equal(line.problems?.length, 1, `${who}: only the wrong setting is named: ${line.msg}`);
        } else {
          assert.match(line.msg, /^REDIS DURABILITY NOT CHECKED: .*could not read CONFIG GET appendonly \/ maxmemory-policy/);
          assert.match(line.msg, /appendonly yes and maxmemory-policy noeviction/);
        }
      }
    } finally {
      await redis.stop();
    }
  });
}

test('durabilityProblems names each wrong setting', () => {
  const rows: Array<[Record<string, string | undefined>, RegExp[]]> = [
    [{ appendonly: 'yes', 'maxmemory-policy': 'noeviction' }, []],
    [{ appendonly: 'no', 'maxmemory-policy': 'noeviction' }, [/appendonly is no/]],
    [{ appendonly: 'yes', 'maxmemory-policy': 'volatile-ttl' }, [/maxmemory-policy is volatile-ttl/]],
    [{}, [/appendonly is unknown/, /maxmemory-policy is unknown/]],
  ];
  for (const [settings, expected] of rows) {
    const got = durabilityProblems(settings);
    assert.equal(got.length, expected.length, JSON.stringify(settings));
    expected.forEach((re, i) => assert.match(got[i], re));
  }
});
