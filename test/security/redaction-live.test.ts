// A server can quote the STORED object in its error (an admission webhook sees oldObject; a conversion or
// validation error may print the current state). The live Secret's values (the ones being rotated away)
// must be scrubbed from sync, dry-run and prune messages too, not only the desired ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { Cluster } from '../../src/kube/cluster.ts';
import { syncApp } from '../../src/sync/sync-app.ts';
import { diffApp } from '../../src/sync/diff-app.ts';
import { startKubeEmulator } from '../../emulators/kube/index.ts';
import { findLeaks } from './system.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (data: Record<string, string>, stringData?: Record<string, string>) =>
  ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, data, ...(stringData ? { stringData } : {}) });

test('sync and server-side dry run never report the live Secret values a hostile API server quotes back', async () => {
  const kube = await startKubeEmulator({ controllers: false });
  const target = new URL(kube.url);
  const forward = (method: string, path: string, headers: Record<string, string | string[] | undefined>, body: Buffer | undefined) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
      const up = httpRequest({ host: target.hostname, port: target.port, method, path, headers }, (r) => {
        const parts: Buffer[] = [];
        r.on('data', (c: Buffer) => parts.push(c));
        r.on('end', () => resolve({ status: r.statusCode ?? 502, headers: r.headers, body: Buffer.concat(parts) }));
      });
      up.on('error', reject);
      up.end(body);
    });
  // Writes to Secrets are refused with a message that quotes the object as currently stored.
  let refuse = true;
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const path = req.url ?? '/';
      if (refuse && req.method !== 'GET' && /\/secrets\//.test(path)) {
        const stored = await forward('GET', path.split('?')[0], { accept: 'application/json' }, undefined);
        res.writeHead(422, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Invalid', code: 422, message: `admission webhook denied, oldObject: ${stored.body.toString()}` }));
        return;
      }
      const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path, headers: req.headers }, (r) => { res.writeHead(r.statusCode ?? 502, r.headers); r.pipe(res); });
      up.end(Buffer.concat(chunks));
    });
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  const kc = new KubeConfig();
  kc.loadFromString(kube.kubeconfig().replace(kube.url, `http://127.0.0.1:${(proxy.address() as { port: number }).port}`));
  const cluster = new Cluster('dev', kc);
  const liveValues = ['live-old-password-1', 'live-old-api-token-2'];
  try {
    // The live Secret holds the values about to be rotated away.
    kube.putObject(secret({ password: b64(liveValues[0]), token: b64(liveValues[1]) }) as never);
    const desired = [{ object: secret({ password: b64('new-desired-password') }), source: { file: 's.yaml', line: 1 } }];

    const d = await diffApp({ cluster, app: 'a', namespace: 'default', desired });
    const dryRun = d.errors.map((e) => e.message).join('\n');
    assert.match(dryRun, /server-side dry run rejected it: 422 Invalid: admission webhook denied, oldObject/);
    assert.match(dryRun, /"name":"s"/, 'the rest of the quoted object stays readable');
    assert.deepEqual(findLeaks(JSON.stringify(d), [...liveValues, 'new-desired-password']), [], 'dry run');

    const r = await syncApp({ cluster, app: 'a', namespace: 'default', desired, prune: false, dryRun: false, timeoutMs: 10_000 });
    const failed = r.resources.find((x) => x.kind === 'Secret')!;
    assert.equal(failed.outcome, 'failed');
    assert.match(failed.message ?? '', /admission webhook denied, oldObject/);
    assert.deepEqual(findLeaks(JSON.stringify(r), [...liveValues, 'new-desired-password']), [], 'sync');

    // Prune: the app owns a Secret (written while the server accepted it), git drops it, the DELETE is refused.
    refuse = false;
    const owned = [{ object: { ...secret({ password: b64('owned-live-password-3') }), metadata: { name: 'owned', namespace: 'default' } }, source: { file: 'o.yaml', line: 1 } }];
    const created = await syncApp({ cluster, app: 'a', namespace: 'default', desired: owned, prune: false, dryRun: false, timeoutMs: 10_000 });
    assert.equal(created.resources.find((x) => x.name === 'owned')?.outcome, 'applied');
    refuse = true;
    const p = await syncApp({ cluster, app: 'a', namespace: 'default', desired: [], prune: true, allowMassPrune: true, dryRun: false, timeoutMs: 10_000 });
    const pruned = p.resources.find((x) => x.name === 'owned')!;
    assert.equal(pruned.outcome, 'failed');
    assert.match(pruned.message ?? '', /admission webhook denied, oldObject/);
    assert.deepEqual(findLeaks(JSON.stringify(p), ['owned-live-password-3']), [], 'prune');
  } finally {
    await cluster.close();
    proxy.closeAllConnections();
    await new Promise((r) => proxy.close(r));
    await kube.close();
  }
});
