// Credentials in errors: when GitHub calls fail (token exchange, check runs, tarballs, rate limits),
// the errors the workers log and report — as messages, as pino `err` objects, inspected or
// JSON-encoded — never carry the installation token, the app JWT or the private key.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startGitHubEmulator, type GitHubEmulator } from '../../emulators/github/index.ts';
import { probotOctokitFactory, RepoClient } from '../../src/github/index.ts';
import { toReportError } from '../../workers/render-app.ts';
import { findLeaks } from './system.ts';

let gh: GitHubEmulator;
before(async () => {
  gh = await startGitHubEmulator({ appId: 5151 });
  await gh.addRepo({ owner: 'acme', name: 'gitops', files: { 'README.md': 'x\n' } });
});
after(async () => {
  await gh?.close();
});

const JWT = /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/;

async function client(): Promise<RepoClient> {
  const factory = probotOctokitFactory({ APP_ID: String(gh.appId), PRIVATE_KEY: gh.privateKey, GHE_HOST: gh.host, GHE_PROTOCOL: 'http', LOG_LEVEL: 'fatal', DRIFTGUARD_GITHUB_THROTTLE: 'off' });
  return new RepoClient(await factory.forInstallation(gh.installationId('acme')), 'acme/gitops');
}

/** Every way the workers turn an error into text: message, report error, pino err, inspect, JSON. */
function renderings(e: unknown): string {
  let logged = '';
  const log = pino({ level: 'debug' }, new Writable({ write(c, _e, cb) { logged += c.toString(); cb(); } }));
  log.warn({ err: e }, 'github call failed');
  log.error({ err: (e as Error).message }, 'job failed for good');
  let json = '';
  try { json = JSON.stringify(e); } catch { json = ''; }
  return [String(e), (e as Error).message, JSON.stringify(toReportError(e)), logged, inspect(e, { depth: 20 }), json].join('\n');
}

function credentials(): string[] {
  const keyLines = gh.privateKey.split('\n').filter((l) => l.length > 40 && !l.startsWith('-----'));
  return [...gh.state.tokens.keys(), ...keyLines];
}

test('failed GitHub calls never expose the installation token, the JWT or the private key', async () => {
  const c = await client();
  await c.defaultBranch(); // a token is issued and cached
  const cases: Array<[string, Parameters<GitHubEmulator['injectFault']>[0], (c: RepoClient) => Promise<unknown>]> = [
    ['422 on a check run', { method: 'POST', path: '/repos/acme/gitops/check-runs', status: 422, times: 1 }, (x) => x.createCheckRun({ name: 'driftguard / web', headSha: 'a'.repeat(40), status: 'in_progress' })],
    ['403 on a comment (resource not accessible by integration)', { method: 'POST', path: /\/issues\/\d+\/comments$/, status: 403, times: 1 }, (x) => x.comment(1, 'hello')],
    ['403 on a tarball', { method: 'GET', path: /\/tarball\//, status: 403, times: 20 }, (x) => x.checkout('main')],
    ['404 on a deployment status', { method: 'POST', path: /\/deployments\/\d+\/statuses$/, status: 404, times: 1 }, (x) => x.deploymentStatus(999, 'success', { description: 'x' })],
  ];
  for (const [name, fault, call] of cases) {
    gh.clearFaults();
    gh.injectFault(fault);
    const e = await call(c).then(() => undefined, (err: unknown) => err);
    assert.ok(e, `${name}: the call failed`);
    const text = renderings(e);
    assert.match(text, /authorization/i, `${name}: the request headers are part of the error (so the redaction matters)`);
    assert.deepEqual(findLeaks(text, credentials()), [], name);
    assert.doesNotMatch(text, JWT, name);
  }
  gh.clearFaults();
});

test('a failed installation-token exchange (installation removed) does not expose the app JWT or the private key', async () => {
  gh.injectFault({ method: 'POST', path: /\/app\/installations\/\d+\/access_tokens$/, status: 404, times: 5 });
  const e = await client().then((c) => c.defaultBranch()).then(() => undefined, (err: unknown) => err);
  gh.clearFaults();
  assert.ok(e, 'the call failed');
  const text = renderings(e);
  assert.doesNotMatch(text, JWT);
  assert.deepEqual(findLeaks(text, credentials()), []);
});
