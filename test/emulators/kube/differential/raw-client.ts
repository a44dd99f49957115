// A bare HTTP client for the differential test: sends exactly the request it is given (method, path,
// content type, body) to a kubeconfig's server and returns status and parsed body, so the emulator and
// kube-apiserver are compared on the wire, not through a client library that could smooth differences.
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

export interface RawResponse {
  status: number;
  body: any;
}

export interface WatchEvent {
  type: string;
  object: any;
}

export class RawKube {
  private constructor(private readonly base: URL, private readonly opts: RequestOptions) {}

  static async fromKubeconfig(file: string): Promise<RawKube> {
    const kc = new KubeConfig();
    kc.loadFromFile(file);
    const opts: RequestOptions & Record<string, unknown> = { headers: {} };
    await kc.applyToHTTPSOptions(opts as never);
    return new RawKube(new URL(kc.getCurrentCluster()!.server), opts);
  }

  private send(method: string, path: string, body: string | undefined, contentType: string | undefined): Promise<IncomingMessage> {
    const url = new URL(path, this.base);
    const headers: Record<string, string> = { ...(this.opts.headers as Record<string, string>), accept: 'application/json' };
    if (contentType) headers['content-type'] = contentType;
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { ...this.opts, method, headers });
    return new Promise((resolve, reject) => {
      req.on('response', resolve).on('error', reject);
      req.end(body);
    });
  }

  async request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<RawResponse> {
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const res = await this.send(method, path, text, text === undefined ? undefined : contentType);
    let data = '';
    res.setEncoding('utf8');
    for await (const chunk of res) data += chunk;
    let parsed: unknown = data;
    try { parsed = JSON.parse(data); } catch { /* not JSON: keep the text */ }
    return { status: res.statusCode ?? 0, body: parsed };
  }

  /** Opens a watch; `events()` gives what arrived so far, `close()` ends it. */
  async watch(path: string): Promise<{ events(): WatchEvent[]; close(): void }> {
    const res = await this.send('GET', path, undefined, undefined);
    const events: WatchEvent[] = [];
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (s: string) => {
      buf += s;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line) events.push(JSON.parse(line) as WatchEvent);
      }
    });
    res.on('error', () => undefined);
    return { events: () => events, close: () => res.destroy() };
  }
}
