// Shared helpers for emulator tests: a started emulator and raw HTTP calls against it.
import { request } from 'node:http';
import { startKubeEmulator, type KubeEmulator, type KubeEmulatorOptions } from '../../../emulators/kube/index.ts';

export interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: any; text: string }

export async function withEmulator(opts: KubeEmulatorOptions, fn: (e: KubeEmulator) => Promise<void>): Promise<void> {
  const e = await startKubeEmulator({ port: 0, ...opts });
  try { await fn(e); } finally { await e.close(); }
}

export function call(e: KubeEmulator, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const req = request(`${e.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${e.token}`,
        'User-Agent': 'driftguard-test/1.0',
        ...(data !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(data)) } : {}),
        ...headers,
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = undefined;
        try { parsed = JSON.parse(text); } catch { parsed = undefined; }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text });
      });
    });
    req.on('error', reject);
    if (data !== undefined) req.write(data);
    req.end();
  });
}

/** Streams a watch; resolves with the events once `until` returns true for the list (or on stream end). */
/** Calls `onEvent` for each JSON line of a watch stream (events can split across chunks). */
export function onWatchEvents(res: NodeJS.ReadableStream, onEvent: (ev: any) => void): void {
  let buf = '';
  res.on('data', (c: Buffer) => {
    buf += c.toString('utf8');
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.trim()) onEvent(JSON.parse(line));
    }
  });
}

export function watch(e: KubeEmulator, path: string, until: (events: any[]) => boolean, onOpen?: () => void | Promise<void>): Promise<any[]> {
  return new Promise((resolve, reject) => {
    const events: any[] = [];
    let done = false;
    const req = request(`${e.url}${path}`, { headers: { Authorization: `Bearer ${e.token}` } }, (res) => {
      void Promise.resolve(onOpen?.()).catch(reject);
      onWatchEvents(res, (ev) => {
        events.push(ev);
        if (!done && until(events)) { done = true; req.destroy(); resolve(events); }
      });
      res.on('end', () => { if (!done) { done = true; resolve(events); } });
    });
    req.on('error', (err) => { if (!done) reject(err); });
    req.end();
  });
}

export const nsPath = (ns: string) => `/api/v1/namespaces/${ns}`;

export function deployment(name: string, extra: { image?: string; replicas?: number; labels?: Record<string, string> } = {}): any {
  const labels = extra.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas: extra.replicas ?? 2,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: extra.image ?? 'nginx:1.27', ports: [{ containerPort: 80 }] }] } },
    },
  };
}

export async function createNamespace(e: KubeEmulator, name: string): Promise<void> {
  const r = await call(e, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  if (r.status !== 201) throw new Error(`namespace ${name}: ${r.status} ${r.text}`);
}
