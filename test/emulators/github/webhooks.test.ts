// test/support/webhooks.ts: real example payloads adapted to the emulator, signed like GitHub and sent
// over HTTP — checked with @octokit/webhooks-methods and by a real Probot app that talks back to the
// emulator through GHE_HOST/GHE_PROTOCOL.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { verify } from '@octokit/webhooks-methods';
import { createProbot, createNodeMiddleware, type Probot } from 'probot';
import { emulatorPayload, payloadFor, sendWebhook, signWebhook } from '../../support/webhooks.ts';
import { APP_ID, OWNER, REPO, startFixture, type Fixture } from './setup.ts';

const SECRET = 'webhook-secret-for-tests';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

async function recordingServer(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const srv = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    res.writeHead(202).end('queued');
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/api/github/webhooks`, received, close: async () => void (srv.close(), await once(srv, 'close')) };
}

describe('webhook test support', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture();
  });
  after(() => f.close());

  it('finds a real example for each event the app handles', () => {
    const cases: Array<[string, string | undefined]> = [
      ['pull_request', 'opened'],
      ['pull_request', 'synchronize'],
      ['pull_request', 'closed'],
      ['pull_request', 'reopened'],
      ['push', undefined],
      ['issue_comment', 'created'],
      ['installation', 'created'],
      ['check_run', 'rerequested'],
    ];
    for (const [event, action] of cases) {
      const p = payloadFor(event, action);
      if (action) assert.equal(p.action, action, `${event}.${action}`);
      assert.ok(p.repository || p.installation, `${event}: has repository or installation`);
    }
    assert.throws(() => payloadFor('pull_request', 'exploded'), /no "pull_request.exploded" example/);
  });

  it('adapts payloads to the emulator repository, installation and PR', async () => {
    const opened = await emulatorPayload(f.em, 'pull_request', 'opened', { owner: OWNER, repo: REPO, pullNumber: 1 });
    assert.equal(opened.action, 'opened');
    assert.equal(opened.number, 1);
    assert.equal(opened.repository.full_name, `${OWNER}/${REPO}`);
    assert.equal(opened.installation.id, f.installationId);
    assert.equal(opened.pull_request.head.sha, f.git.shas[1]);
    assert.equal(opened.pull_request.base.sha, f.git.shas[0]);
    assert.equal(opened.pull_request.head.ref, 'scale-web');

    const push = await emulatorPayload(f.em, 'push', undefined, { owner: OWNER, repo: REPO, push: { ref: 'refs/heads/scale-web', before: f.git.shas[0] } });
    assert.equal(push.after, f.git.shas[1]);
    assert.equal(push.before, f.git.shas[0]);
    assert.deepEqual(push.commits.map((c: { id: string }) => c.id), [f.git.shas[1]]);
    assert.deepEqual(push.commits[0].added, ['deploy/web/configmap.yaml']);
    assert.deepEqual(push.commits[0].removed, ['deploy/web/service.yaml']);
    assert.deepEqual(push.commits[0].modified, ['deploy/web/deployment.yaml']);
    assert.equal(push.repository.owner.name, OWNER);
    assert.equal(typeof push.repository.pushed_at, 'number', 'push payloads keep epoch-second timestamps');

    const comment = await emulatorPayload(f.em, 'issue_comment', 'created', { owner: OWNER, repo: REPO, pullNumber: 1, comment: { body: '/driftguard diff', user: 'alice' } });
    assert.equal(comment.comment.body, '/driftguard diff');
    assert.equal(comment.comment.user.login, 'alice');
    assert.equal(comment.issue.number, 1);
    assert.ok(comment.issue.pull_request, 'a PR comment carries issue.pull_request');

    const inst = await emulatorPayload(f.em, 'installation', 'created', { owner: OWNER, repo: REPO });
    assert.equal(inst.installation.id, f.installationId);
    assert.equal(inst.installation.app_id, APP_ID);
    assert.deepEqual(inst.repositories.map((r: { full_name: string }) => r.full_name), [`${OWNER}/${REPO}`]);
  });

  it('signs the exact body with X-Hub-Signature-256 and sends GitHub’s headers', async () => {
    const srv = await recordingServer();
    try {
      const payload = await emulatorPayload(f.em, 'pull_request', 'synchronize', { owner: OWNER, repo: REPO, pullNumber: 1 });
      const res = await sendWebhook(srv.url, { event: 'pull_request', payload, secret: SECRET, deliveryId: 'delivery-1' });
      assert.equal(res.status, 202);
      const got = srv.received[0];
      assert.equal(got.headers['x-github-event'], 'pull_request');
      assert.equal(got.headers['x-github-delivery'], 'delivery-1');
      assert.equal(got.headers['content-type'], 'application/json');
      const sig = String(got.headers['x-hub-signature-256']);
      assert.equal(sig, signWebhook(SECRET, got.body));
      assert.equal(await verify(SECRET, got.body, sig), true);
      assert.equal(await verify('another-secret', got.body, sig), false);
      assert.deepEqual(JSON.parse(got.body), payload);
      const forged = await sendWebhook(srv.url, { event: 'push', payload: { zen: 'x' }, secret: SECRET, signature: 'sha256=' + '0'.repeat(64) });
      assert.equal(forged.status, 202);
      assert.equal(await verify(SECRET, srv.received[1].body, String(srv.received[1].headers['x-hub-signature-256'])), false);
    } finally {
      await srv.close();
    }
  });

  it('drives a real Probot app configured with GHE_HOST/GHE_PROTOCOL against the emulator', async () => {
    const probot: Probot = createProbot({
      env: { APP_ID: String(APP_ID), PRIVATE_KEY: f.em.privateKey, WEBHOOK_SECRET: SECRET, GHE_HOST: f.em.host, GHE_PROTOCOL: 'http', LOG_LEVEL: 'fatal' },
    });
    // Probot (@octokit/webhooks' middleware) answers 202 "still processing" when handling takes over 9 s —
    // as on a loaded machine — and finishes in the background: the test waits for the handler itself.
    let handled!: (err?: unknown) => void;
    const handlerDone = new Promise<unknown>((resolve) => { handled = resolve; });
    const middleware = await createNodeMiddleware(
      (app) => {
        app.on('pull_request.opened', async (context) => {
          try {
            const pr = context.payload.pull_request;
            await context.octokit.rest.checks.create(context.repo({ name: 'driftguard / probot', head_sha: pr.head.sha, status: 'queued' as const }));
            await context.octokit.rest.issues.createComment(context.issue({ body: 'planning…' }));
            handled();
          } catch (e) {
            handled(e);
            throw e;
          }
        });
      },
      { probot },
    );
    const srv = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    try {
      const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/api/github/webhooks`;
      const payload = await emulatorPayload(f.em, 'pull_request', 'opened', { owner: OWNER, repo: REPO, pullNumber: 1 });
      const bad = await sendWebhook(url, { event: 'pull_request', payload, secret: 'wrong-secret' });
      assert.notEqual(bad.status, 200, 'Probot refuses a bad signature');
      assert.equal(f.em.checkRuns(OWNER, REPO).length, 0);
      const ok = await sendWebhook(url, { event: 'pull_request', payload, secret: SECRET });
      assert.ok(ok.status === 200 || (ok.status === 202 && /still processing/.test(ok.body)), `${ok.status} ${ok.body}`);
      assert.equal(await handlerDone, undefined, 'the Probot handler completed without an error');
      const runs = f.em.checkRuns(OWNER, REPO, { headSha: f.git.shas[1] });
      assert.deepEqual(runs.map((r) => [r.name, r.status]), [['driftguard / probot', 'queued']]);
      assert.equal(f.em.comments(OWNER, REPO, 1).at(-1)?.user, 'driftguard[bot]');
      const paths = f.em.requests().map((r) => `${r.method} ${r.path}`);
      assert.ok(paths.includes(`POST /app/installations/${f.installationId}/access_tokens`), 'Probot fetched an installation token from the emulator');
      assert.deepEqual(f.em.responseViolations(), []);
    } finally {
      srv.close();
      await once(srv, 'close');
    }
  });
});
