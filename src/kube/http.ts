// One cluster's HTTP transport. Authentication and TLS come from @kubernetes/client-node's KubeConfig
// (certs, tokens, exec/OIDC plugins, proxies: `applySecurityAuthentication` gives headers and an undici
// dispatcher, exactly what the generated clients use); requests go through undici's `request` (not its
// `fetch`: the WHATWG stream layer costs several times more CPU per request, which a 500-object sync
// notices) so that we keep control over what client-node's generated API does not expose: Retry-After,
// retries of connection resets, request counting and streaming watches.
import type { Readable } from 'node:stream';
import { HttpMethod, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import { getGlobalDispatcher, type Dispatcher } from 'undici';
import pLimit, { type LimitFunction } from 'p-limit';
import { DEFAULT_BACKOFF, backoffDelay, isRetryableStatus, retryAfterMs, type BackoffPolicy } from './backoff.ts';
import { kubeApiError } from './errors.ts';

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /** Per-attempt timeout (ms). */
  timeoutMs?: number;
  /** Retry this request on 429/5xx/connection errors (default true; all our verbs are idempotent). */
  retry?: boolean;
}

export interface HttpStats {
  requests: number;
  retries: number;
  /** Sum of the durations of completed request attempts (send to last body byte), watches excluded. */
  requestMs: number;
  byVerb: Record<string, number>;
  /** Requests (watches excluded) in flight right now, and the most ever at once (never above the cluster's bound). */
  inFlight: number;
  peakInFlight: number;
}

/** One raw response: status, headers (lower-case names) and the body stream, which the caller must consume or destroy. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable & { text(): Promise<string> };
}

const AUTH_TTL_MS = 60_000;
/** Requests in flight to one cluster at most (watches excluded), unless the cluster's config says otherwise. */
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 32;

export class KubeHttp {
  readonly server: string;
  readonly stats: HttpStats = { requests: 0, retries: 0, requestMs: 0, byVerb: {}, inFlight: 0, peakInFlight: 0 };
  /** Called with every request attempt (method and path with query), e.g. to audit which scopes are listed. */
  onRequest?: (method: string, url: string) => void;
  private auth?: { headers: Record<string, string>; dispatcher?: Dispatcher; at: number };
  private readonly limit: LimitFunction;

  constructor(
    private readonly kc: KubeConfig,
    readonly backoff: BackoffPolicy = DEFAULT_BACKOFF,
    private readonly defaultTimeoutMs = 30_000,
    /**
     * Bound on requests in flight at once (watches, which stay open, excluded): however many syncs and
     * plans run in parallel, the API server never sees more from this worker. Requests beyond it queue.
     */
    maxConcurrentRequests = DEFAULT_MAX_CONCURRENT_REQUESTS,
  ) {
    this.limit = pLimit(maxConcurrentRequests);
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error(`kubeconfig context "${kc.getCurrentContext()}" has no cluster`);
    this.server = cluster.server.replace(/\/+$/, '');
    const u = new URL(this.server);
    this.origin = u.origin;
    this.basePath = u.pathname.replace(/\/+$/, '');
  }

  /** scheme://host:port of the server, and the path prefix it may have (a proxy's, e.g. Rancher's /k8s/clusters/<id>). */
  private readonly origin: string;
  private readonly basePath: string;

  /** Headers + dispatcher from client-node, cached (one connection pool per cluster; tokens refreshed every minute and on 401). */
  private async authFor(force = false): Promise<{ headers: Record<string, string>; dispatcher?: Dispatcher }> {
    if (!force && this.auth && Date.now() - this.auth.at < AUTH_TTL_MS) return this.auth;
    const ctx = new RequestContext(this.server, HttpMethod.GET);
    let dispatcher: Dispatcher | undefined;
    if (this.server.startsWith('http:')) {
      // client-node refuses plain http unless skipTLSVerify; kubectl does not. Use its header logic only.
      const opts: { headers?: Record<string, string> } = {};
      await (this.kc as unknown as { applyOptions(o: object): Promise<void> }).applyOptions(opts);
      for (const [k, v] of Object.entries(opts.headers ?? {})) ctx.setHeaderParam(k, String(v));
    } else {
      await this.kc.applySecurityAuthentication(ctx);
      dispatcher = ctx.getDispatcher() as Dispatcher | undefined;
    }
    const prev = this.auth?.dispatcher;
    this.auth = { headers: { ...ctx.getHeaders() }, dispatcher: prev ?? dispatcher, at: Date.now() };
    if (prev && dispatcher && dispatcher !== prev) void dispatcher.close().catch(() => undefined);
    return this.auth;
  }

  url(path: string, query?: RequestOptions['query']): string {
    return this.server + path + queryString(query);
  }

  /** One raw attempt; the caller owns the response body. */
  async fetchOnce(method: string, path: string, opts: RequestOptions = {}): Promise<RawResponse> {
    const auth = await this.authFor();
    const headers: Record<string, string> = { ...auth.headers, Accept: 'application/json' };
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    }
    this.stats.requests++;
    const pathQuery = this.basePath + path + queryString(opts.query);
    this.onRequest?.(method, pathQuery.slice(this.basePath.length));
    this.stats.byVerb[method] = (this.stats.byVerb[method] ?? 0) + 1;
    // The attempt's timeout and the caller's signal, through one controller per attempt, released when the
    // body closes: AbortSignal.timeout + AbortSignal.any cost a timer that outlives the request and a
    // dependant registered on the caller's long-lived signal, per request.
    const timeoutMs = opts.timeoutMs ?? this.defaultTimeoutMs;
    let signal = opts.signal;
    let release = () => {};
    if (timeoutMs !== 0) {
      const ac = new AbortController();
      const outer = opts.signal;
      const onAbort = () => ac.abort(outer!.reason);
      if (outer?.aborted) ac.abort(outer.reason);
      else outer?.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(() => ac.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), timeoutMs);
      timer.unref?.();
      release = () => { clearTimeout(timer); outer?.removeEventListener('abort', onAbort); };
      signal = ac.signal;
    }
    try {
      // The dispatcher's own request(): origin and path given apart, so no URL is parsed per request.
      const res = await (auth.dispatcher ?? getGlobalDispatcher()).request({
        origin: this.origin, path: pathQuery, method: method as Dispatcher.HttpMethod, headers, body, signal,
      });
      res.body.once('close', release);
      return { status: res.statusCode, headers: res.headers, body: res.body as RawResponse['body'] };
    } catch (e) {
      release();
      throw e;
    }
  }

  /** JSON request with bounded retries (429 honouring Retry-After, 5xx, connection resets); throws KUBE_API errors. */
  async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const retry = opts.retry !== false;
    let reauthed = false;
    for (let attempt = 0; ; attempt++) {
      // One slot of the cluster's bound per attempt (send to last body byte); none is held while backing off.
      const sent = await this.limit(async (): Promise<{ res: RawResponse; text: string; t0: number } | { error: unknown }> => {
        if (opts.signal?.aborted) return { error: opts.signal.reason };
        this.stats.peakInFlight = Math.max(this.stats.peakInFlight, ++this.stats.inFlight);
        try {
          const t0 = performance.now();
          const res = await this.fetchOnce(method, path, opts);
          return { res, text: await res.body.text().catch(() => ''), t0 };
        } catch (error) {
          return { error };
        } finally {
          this.stats.inFlight--;
        }
      });
      if ('error' in sent) {
        const e = sent.error;
        if (opts.signal?.aborted) throw kubeApiError(0, 'request aborted', method, path, e);
        const msg = connectionMessage(e);
        if (retry && attempt < this.backoff.retries) {
          this.stats.retries++;
          await this.backoffSleep(backoffDelay(attempt, this.backoff), method, path, opts.signal);
          continue;
        }
        throw kubeApiError(0, `${msg} (after ${attempt + 1} attempts)`, method, path, e);
      }
      const { res, text, t0 } = sent;
      // An abort while the body streams in must not pass for an empty answer.
      if (opts.signal?.aborted) throw kubeApiError(0, 'request aborted', method, path, opts.signal.reason);
      this.stats.requestMs += performance.now() - t0;
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* non-JSON body (proxies, load balancers): keep the text */
      }
      if (res.status >= 200 && res.status < 300) return parsed as T;
      if (res.status === 401 && !reauthed) {
        reauthed = true;
        await this.authFor(true);
        continue;
      }
      if (retry && isRetryableStatus(res.status) && attempt < this.backoff.retries) {
        this.stats.retries++;
        const wait = res.status === 429 || res.status === 503
          ? retryAfterMs(headerValue(res.headers, 'retry-after'), this.backoff.maxMs) ?? backoffDelay(attempt, this.backoff)
          : backoffDelay(attempt, this.backoff);
        await this.backoffSleep(wait, method, path, opts.signal);
        continue;
      }
      throw kubeApiError(res.status, parsed, method, path);
    }
  }

  /** The wait before a retry; the caller's abort during it is the same typed "request aborted" as during an attempt. */
  private async backoffSleep(ms: number, method: string, path: string, signal?: AbortSignal): Promise<void> {
    try {
      await sleep(ms, signal);
    } catch (e) {
      throw kubeApiError(0, 'request aborted', method, path, e);
    }
  }

  /**
   * Sockets this client holds open to the API server right now (watches and pooled connections), from its
   * own connection pool; undefined when it has none of its own (plain http shares the process's pool).
   */
  openSockets(): number | undefined {
    const stats = (this.auth?.dispatcher as { stats?: Record<string, { connected?: number }> } | undefined)?.stats;
    if (!stats) return undefined;
    return Object.values(stats).reduce((n, s) => n + (s.connected ?? 0), 0);
  }

  async close(): Promise<void> {
    const d = this.auth?.dispatcher;
    this.auth = undefined;
    if (d) await d.close().catch(() => undefined);
  }
}

/**
 * `?k=v&...` (empty without values). Plain string building: a WHATWG URL per request costs more than the
 * rest of our request path. Paths come from resourcePath() with encoded segments.
 */
function queryString(query: RequestOptions['query']): string {
  let q = '';
  if (query) {
    for (const k in query) {
      const v = query[k];
      if (v === undefined) continue;
      q += `${q ? '&' : '?'}${formEncode(k)}=${formEncode(String(v))}`;
    }
  }
  return q;
}

/** application/x-www-form-urlencoded, as URLSearchParams serializes it (space as '+'). */
function formEncode(s: string): string {
  return /^[A-Za-z0-9*\-._]*$/.test(s) ? s : new URLSearchParams([['', s]]).toString().slice(1);
}

export function headerValue(headers: RawResponse['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function connectionMessage(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
  if ((e as Error)?.name === 'TimeoutError') return 'request timed out';
  return cause?.code ? `${cause.code}: ${cause.message ?? ''}`.trim() : e instanceof Error ? e.message : String(e);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(signal!.reason); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
