// KubeHttp's request path against a plain HTTP server: the path and query it sends (encoded as
// URLSearchParams would, behind a proxy's path prefix), the per-attempt timeout (retried, then reported
// as timed out), the caller's abort (during an attempt and during a retry's backoff), and a body that reaches the server intact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeHttp } from '../../src/kube/http.ts';
import { kubeMessage, kubeStatus } from '../../src/kube/errors.ts';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

async function withServer(handler: Handler, fn: (base: string) => Promise<void>): Promise<void> {
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => handler(req, body, res));
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  }
}

function kubeHttp(server: string, timeoutMs?: number, backoff = { retries: 2, baseMs: 1, maxMs: 5 }): KubeHttp {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server, skipTLSVerify: false }],
    users: [{ name: 'u', token: 'tok' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return new KubeHttp(kc, backoff, timeoutMs);
}

/** The request ends in the typed error of a caller's abort. */
async function rejectsAborted(http: KubeHttp, signal: AbortSignal): Promise<void> {
  try {
    await assert.rejects(http.request('GET', '/api/v1/namespaces/shop', { signal }), (e: unknown) => {
      assert.equal(kubeStatus(e), 0);
      assert.match(kubeMessage(e), /request aborted/);
      return true;
    });
  } finally {
    await http.close();
  }
}

const queries: Array<[string, Record<string, string | number | boolean | undefined>, string]> = [
  ['label selector with = and /', { labelSelector: 'driftguard.dev/app=shop', limit: 500 }, 'labelSelector=driftguard.dev%2Fapp%3Dshop&limit=500'],
  ['set-based selector with spaces, commas, parentheses', { labelSelector: 'env in (prod, staging),!canary' }, 'labelSelector=env+in+%28prod%2C+staging%29%2C%21canary'],
  ['undefined values left out, booleans as text', { fieldManager: 'driftguard', force: true, dryRun: undefined }, 'fieldManager=driftguard&force=true'],
  ['non-ASCII and reserved characters', { fieldSelector: 'metadata.name=café&x', continue: 'eyJ2Ijoi+/=' }, 'fieldSelector=metadata.name%3Dcaf%C3%A9%26x&continue=eyJ2Ijoi%2B%2F%3D'],
];

for (const [name, query, want] of queries) {
  test(`query string: ${name} (as URLSearchParams encodes it)`, async () => {
    const seen: string[] = [];
    await withServer((req, _body, res) => { seen.push(req.url!); res.writeHead(200, { 'content-type': 'application/json' }).end('{}'); }, async (base) => {
      const http = kubeHttp(`${base}/k8s/clusters/c-1/`);
      const audited: string[] = [];
      http.onRequest = (_m, url) => audited.push(url);
      try {
        await http.request('GET', '/api/v1/configmaps', { query });
      } finally {
        await http.close();
      }
      assert.equal(want, new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])).toString());
      assert.deepEqual(seen, [`/k8s/clusters/c-1/api/v1/configmaps?${want}`]);
      assert.deepEqual(audited, [`/api/v1/configmaps?${want}`]);
    });
  });
}

test('a request body reaches the server as sent, with the bearer token and content type', async () => {
  const got: Array<{ method: string; ct?: string; auth?: string; body: string }> = [];
  await withServer((req, body, res) => {
    got.push({ method: req.method!, ct: req.headers['content-type'], auth: req.headers.authorization, body });
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  }, async (base) => {
    const http = kubeHttp(base);
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { 'app.conf': 'a = "b"\nc = ü' } };
    try {
      const back = await http.request('PATCH', '/api/v1/namespaces/shop/configmaps/settings', { body: obj, contentType: 'application/apply-patch+yaml' });
      assert.deepEqual(back, obj);
    } finally {
      await http.close();
    }
    assert.deepEqual(got, [{ method: 'PATCH', ct: 'application/apply-patch+yaml', auth: 'Bearer tok', body: JSON.stringify(obj) }]);
  });
});

// No timing in these two: the caller aborts once the server holds its request, and a timed-out attempt is
// counted where it is made (onRequest); under load an attempt may time out before the server reads it.
test('a hanging attempt times out, is retried, and is reported as timed out', async () => {
  let calls = 0;
  await withServer(() => { calls++; /* never answers */ }, async (base) => {
    const http = kubeHttp(base, 300);
    let attempts = 0;
    http.onRequest = () => { attempts++; };
    try {
      await assert.rejects(http.request('GET', '/api/v1/namespaces/shop'), (e: unknown) => {
        assert.equal(kubeStatus(e), 0);
        assert.match(kubeMessage(e), /request timed out \(after 3 attempts\)/);
        return true;
      });
    } finally {
      await http.close();
    }
    assert.equal(attempts, 3);
    assert.equal(http.stats.retries, 2);
    assert.ok(calls >= 1 && calls <= 3, `the server saw ${calls} of the 3 attempts`);
  });
});

test('the caller\'s abort stops a request at once and is not retried', async () => {
  let calls = 0;
  const ac = new AbortController();
  // Aborted when the request hangs at the server; the attempt timeout (60 s) cannot be what ends it.
  await withServer(() => { calls++; ac.abort(); }, async (base) => {
    const http = kubeHttp(base, 60_000);
    let attempts = 0;
    http.onRequest = () => { attempts++; };
    await rejectsAborted(http, ac.signal);
    assert.equal(calls, 1);
    assert.equal(attempts, 1);
    assert.equal(http.stats.retries, 0);
  });
});

test('the caller\'s abort during a retry\'s backoff ends in a typed "request aborted" error', async () => {
  let calls = 0;
  const ac = new AbortController();
  await withServer((_req, _body, res) => {
    calls++;
    // A 429 asking for a 60 s wait; the caller gives up during that wait (or, if this process is slow,
    // while the answer is on its way: a typed "request aborted" either way).
    res.writeHead(429, { 'retry-after': '60', 'content-type': 'application/json' }).end('{}', () => setTimeout(() => ac.abort(), 200));
  }, async (base) => {
    await rejectsAborted(kubeHttp(base, undefined, { retries: 2, baseMs: 60_000, maxMs: 60_000 }), ac.signal);
    assert.equal(calls, 1);
  });
});
