// The HTTP server of the web process: GET /healthz, GET /metrics, POST <webhook path>.
// Signatures are verified with Probot's own verifier first so a bad signature is a 401 with
// nothing queued (Probot alone answers 400). A verified delivery then goes straight to `deliver`
// when given (the web process does this: Probot's middleware would verify the HMAC a second time
// and build an authenticated Octokit per event that the web process never uses — together most of
// its CPU per webhook); otherwise Probot's middleware dispatches to the app.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Probot } from 'probot';
import { createNodeMiddleware } from 'probot';
import type { ApplicationFunction } from 'probot';
import type { WebMetrics } from './metrics.ts';

export interface WebServerOptions {
  probot: Probot;
  appFn: ApplicationFunction;
  metrics: WebMetrics;
  webhookPath?: string;
  /** Readiness probe (e.g. Redis PING); /healthz answers 503 when it throws. */
  ready?: () => Promise<void>;
  /** Largest webhook body accepted (default DEFAULT_MAX_BODY_BYTES; env WEBHOOK_MAX_BYTES in start.ts). */
  maxBodyBytes?: number;
  /** Time a client gets to send a whole request (default DEFAULT_REQUEST_TIMEOUT_MS; env WEBHOOK_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs?: number;
  /** Direct dispatch of a verified delivery (skips Probot's middleware). */
  deliver?: (d: { id: string; name: string; payload: Record<string, any> }) => Promise<unknown>;
}

/**
 * Bodies are read before the signature can be checked, so this bounds what any client can make us hold.
 * GitHub caps payloads at 25 MB, but the events we act on are far smaller: pull_request and
 * issue_comment are a few repository/user objects plus a body of at most 65,536 characters (tens of
 * KB); push is the largest (up to 2,048 commits with their file lists), a few MB only for huge pushes.
 * A refused push is visible as a failed delivery in GitHub; WEBHOOK_MAX_BYTES raises the bound.
 */
export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;

/**
 * A slow sender holds a connection (and up to the body limit in memory) until this runs out; Node's own
 * default is 300 s. GitHub gives up on a delivery after 10 s, so no real delivery takes longer than that
 * to send; 30 s leaves room for a slow network. Expired requests get 408 and the connection is closed.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export async function createWebServer(opts: WebServerOptions): Promise<Server> {
  const path = opts.webhookPath ?? '/api/github/webhooks';
  const middleware = await createNodeMiddleware(opts.appFn, { probot: opts.probot, webhooksPath: path });
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const requestTimeout = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  // Node checks the timeouts every connectionsCheckingInterval (30 s by default): check often enough to honour ours.
  const timeouts = { requestTimeout, headersTimeout: Math.min(requestTimeout, 60_000), connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(requestTimeout / 4))) };

  return createServer(timeouts, async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (req.method === 'GET' && url.pathname === '/healthz') return await healthz(res, opts.ready);
      if (req.method === 'GET' && url.pathname === '/metrics') {
        res.writeHead(200, { 'content-type': opts.metrics.registry.contentType });
        return res.end(await opts.metrics.registry.metrics());
      }
      if (url.pathname === path && req.method === 'POST') {
        const end = opts.metrics.duration.startTimer();
        const event = String(req.headers['x-github-event'] ?? 'unknown');
        res.once('finish', () => end());
        // A declared length over the bound is refused before reading a byte; a chunked body when it passes it.
        const declared = Number(req.headers['content-length'] ?? 0);
        const body = declared > maxBody ? undefined : await readBody(req, maxBody);
        if (body === undefined) {
          opts.metrics.webhooks.inc({ event, outcome: 'rejected' });
          opts.probot.log.warn({ event, contentLength: req.headers['content-length'], maxBytes: maxBody }, 'webhook body over the size limit refused (WEBHOOK_MAX_BYTES)');
          return tooLarge(req, res);
        }
        const signature = req.headers['x-hub-signature-256'];
        if (typeof signature !== 'string' || !(await opts.probot.webhooks.verify(body, signature).catch(() => false))) {
          opts.metrics.webhooks.inc({ event, outcome: 'rejected' });
          return json(res, 401, { error: 'signature does not match event payload and secret' });
        }
        if (opts.deliver) {
          const id = req.headers['x-github-delivery'];
          let payload: unknown;
          try {
            payload = JSON.parse(body);
          } catch {
            payload = undefined;
          }
          if (typeof id !== 'string' || !id || event === 'unknown' || !payload || typeof payload !== 'object') {
            opts.metrics.webhooks.inc({ event, outcome: 'rejected' });
            return json(res, 400, { error: 'not a GitHub webhook delivery (X-GitHub-Event, X-GitHub-Delivery and a JSON object body are required)' });
          }
          await opts.deliver({ id, name: event, payload: payload as Record<string, any> });
          res.writeHead(200, { 'content-type': 'text/plain' });
          return res.end('ok\n');
        }
        // Probot's middleware reads the raw body from here instead of the (consumed) stream.
        (req as IncomingMessage & { body?: string }).body = body;
      }
      const handled = await middleware(req, res);
      if (!handled && !res.headersSent) json(res, 404, { error: 'not found' });
    } catch (e) {
      opts.probot.log.error({ err: e }, 'request failed');
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
    }
  });
}

async function healthz(res: ServerResponse, ready?: () => Promise<void>): Promise<void> {
  try {
    await ready?.();
    json(res, 200, { status: 'ok' });
  } catch (e) {
    json(res, 503, { status: 'unavailable', error: (e as Error).message });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** 413, then the connection is closed so the rest of the body is never read. */
function tooLarge(req: IncomingMessage, res: ServerResponse): void {
  res.once('finish', () => req.destroy());
  res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
  res.end(JSON.stringify({ error: 'payload too large' }));
}

/** The body as text, or undefined (reading paused) as soon as it exceeds `max` bytes. */
function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (v: string | undefined) => {
      req.off('data', onData).off('end', onEnd).off('error', onError);
      resolve(v);
    };
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= max) return void chunks.push(c);
      chunks.length = 0;
      req.pause();
      done(undefined);
    };
    const onEnd = () => done(Buffer.concat(chunks).toString('utf8'));
    const onError = (e: Error) => {
      req.off('data', onData).off('end', onEnd);
      reject(e);
    };
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}
