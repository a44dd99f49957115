// Secret values in API server messages that quote the submitted object (sync and server-side dry run):
// the sync engine over the Kubernetes emulator behind a proxy that quotes the request body in its 422.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { redactSecretValues, redactValues, secretValuesOf, REDACTED } from '../../src/core/redact-secrets.ts';
import { Cluster } from '../../src/kube/cluster.ts';
import { syncApp } from '../../src/sync/sync-app.ts';
import { diffApp } from '../../src/sync/diff-app.ts';
import { startKubeEmulator } from '../../emulators/kube/index.ts';
import { findLeaks } from './system.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (data: Record<string, string>, stringData: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, data, stringData });

test('redactSecretValues removes every form of every value of a Secret', () => {
  const cert = '-----BEGIN KEY-----\nMIIBsecretline\n-----END KEY-----\n';
  const obj = secret({ password: b64('hunter2-pw'), wrapped: `${b64('wrapped-value-0123456789').slice(0, 12)}\n${b64('wrapped-value-0123456789').slice(12)}` }, { token: 'tok"en\\x', cert });
  const cases: Array<[string, string]> = [
    ['raw decoded data', 'Invalid value: "hunter2-pw": bad'],
    ['data as written', `{"data":{"password":"${b64('hunter2-pw')}"}}`],
    ['data unpadded', `value ${b64('hunter2-pw').replace(/=+$/, '')} rejected`],
    ['stringData JSON-quoted', `{"stringData":{"token":${JSON.stringify('tok"en\\x')}}}`],
    ['multi-line value JSON-quoted', `"cert":${JSON.stringify(cert)}`],
    ['line-wrapped base64, canonical', `data.wrapped: ${b64('wrapped-value-0123456789')}`],
    ['line-wrapped base64, decoded', 'got wrapped-value-0123456789'],
  ];
  const values = ['hunter2-pw', 'tok"en\\x', cert, 'wrapped-value-0123456789'];
  for (const [name, text] of cases) {
    const out = redactSecretValues(text, obj);
    assert.notEqual(out, text, name);
    assert.ok(out.includes(REDACTED), name);
    assert.deepEqual(findLeaks(out, values), [], name);
  }
});

test('redaction leaves other kinds, short values and unrelated text alone', () => {
  assert.equal(redactSecretValues('value hunter2-pw', { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'hunter2-pw' } }), 'value hunter2-pw');
  assert.deepEqual(secretValuesOf(secret({ flag: b64('on') })).filter((f) => f === 'on'), []);
  assert.equal(redactValues('field is immutable', ['hunter2-pw']), 'field is immutable');
});

test('sync and server-side dry run never report Secret values a hostile API server quotes back', async () => {
  const kube = await startKubeEmulator({ controllers: false });
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      if (req.method !== 'GET' && /\/secrets\//.test(req.url ?? '')) {
        res.writeHead(422, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Invalid', code: 422, message: `admission webhook denied: ${body}` }));
        return;
      }
      const t = new URL(kube.url);
      const up = httpRequest({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (r) => { res.writeHead(r.statusCode ?? 502, r.headers); r.pipe(res); });
      up.end(Buffer.concat(chunks));
    });
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  const kc = new KubeConfig();
  kc.loadFromString(kube.kubeconfig().replace(kube.url, `http://127.0.0.1:${(proxy.address() as { port: number }).port}`));
  const cluster = new Cluster('dev', kc);
  try {
    const obj = secret({ password: b64('sync-echo-password') }, { token: 'sync-echo-token' });
    const r = await syncApp({ cluster, app: 'a', namespace: 'default', desired: [{ object: obj, source: { file: 's.yaml', line: 1 } }], prune: false, dryRun: false, timeoutMs: 10_000 });
    const failed = r.resources.find((x) => x.kind === 'Secret')!;
    assert.equal(failed.outcome, 'failed');
    assert.match(failed.message ?? '', /admission webhook denied/);
    assert.deepEqual(findLeaks(JSON.stringify(r), ['sync-echo-password', 'sync-echo-token']), []);

    // Now it exists (written out of band): the PR plan's server-side dry run is rejected the same way.
    kube.putObject({ ...obj, stringData: undefined, data: { password: b64('old-live-password') } } as never);
    const d = await diffApp({ cluster, app: 'a', namespace: 'default', desired: [{ object: obj, source: { file: 's.yaml', line: 1 } }] });
    assert.match(d.errors.map((e) => e.message).join('\n'), /server-side dry run rejected it: 422 Invalid: admission webhook denied/);
    assert.deepEqual(findLeaks(JSON.stringify(d), ['sync-echo-password', 'sync-echo-token', 'old-live-password']), []);
  } finally {
    await cluster.close();
    proxy.closeAllConnections();
    await new Promise((r) => proxy.close(r));
    await kube.close();
  }
});
