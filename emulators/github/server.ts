// The HTTP side: routing over GitHub's OpenAPI paths (served at `/api/v3/...` like GHE and at `/...`),
// authentication, parameter/body validation, fault injection, rate-limit headers, request log.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID, type KeyObject } from 'node:crypto';
import type { Auth, Ctx, Handler, Reply } from './context.ts';
import { GitHubHttpError } from './http-error.ts';
import { documentationUrl, findOperation, type Operation } from './spec.ts';
import { validateBody, validateParameters, validateResponse } from './validate.ts';
import { verifyAppJwt } from './jwt.ts';
import type { EmulatorState, Fault } from './state.ts';
import { appHandlers } from './handlers/app.ts';
import { codeload, repoHandlers } from './handlers/repos.ts';
import { pullHandlers } from './handlers/pulls.ts';
import { issueHandlers } from './handlers/issues.ts';
import { checkHandlers } from './handlers/checks.ts';
import { deploymentHandlers } from './handlers/deployments.ts';
import { gitDataHandlers } from './handlers/git-data.ts';

const HANDLERS: Record<string, Handler> = { ...appHandlers, ...repoHandlers, ...pullHandlers, ...issueHandlers, ...checkHandlers, ...deploymentHandlers, ...gitDataHandlers };

/** Operations that take the app's JWT rather than an installation token. */
function needsAppJwt(op: Operation): boolean {
  return op.template.startsWith('/app') || /^apps\/get-(repo|org|user)-installation$/.test(op.op.operationId);
}

export interface ServerOptions {
  state: EmulatorState;
  publicKey: KeyObject;
  validateResponses: boolean;
}

export function createEmulatorServer(opts: ServerOptions): Server {
  return createServer((req, res) => {
    handle(opts, req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ message: `emulator error: ${(e as Error).message}`, status: '500' }));
    });
  });
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function authenticate(opts: ServerOptions, op: Operation, header: string | undefined): Auth {
  const m = /^(token|bearer)\s+(\S+)$/i.exec(header ?? '');
  if (needsAppJwt(op)) {
    if (!m) throw new GitHubHttpError(401, 'A JSON web token could not be decoded', { documentationUrl: 'https://docs.github.com/rest' });
    const r = verifyAppJwt(m[2], opts.publicKey, opts.state.app.id);
    if (!r.ok) throw new GitHubHttpError(401, r.message, { documentationUrl: 'https://docs.github.com/rest' });
    return { kind: 'app', appId: opts.state.app.id };
  }
  const t = m ? opts.state.tokens.get(m[2]) : undefined;
  if (!t || t.expiresAt < Date.now()) throw new GitHubHttpError(401, 'Bad credentials', { documentationUrl: 'https://docs.github.com/rest' });
  return { kind: 'installation', installationId: t.installationId };
}

function faultFor(state: EmulatorState, method: string, path: string, operationId: string | undefined): (Fault & { left: number }) | undefined {
  const f = state.faults.find(
    (x) =>
      x.left > 0 &&
      (!x.method || x.method.toUpperCase() === method) &&
      (!x.operationId || x.operationId === operationId) &&
      (!x.path || (typeof x.path === 'string' ? x.path === path : x.path.test(path))),
  );
  if (!f) return undefined;
  if (f.skip) {
    f.skip--;
    return undefined;
  }
  f.left--;
  return f;
}

const SECONDARY_MESSAGE = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.';

/** Content-creating requests, which GitHub's secondary limit counts (80 per minute on github.com). */
export const isContentCreating = (method: string) => method === 'POST' || method === 'PATCH' || method === 'PUT' || method === 'DELETE';

/**
 * GitHub's secondary limit on content creation, per installation over a sliding window: a request past
 * it is refused (403, retry-after = seconds until the oldest counted write leaves the window) and not
 * counted itself.
 */
function secondaryLimitError(state: EmulatorState, key: string, method: string): GitHubHttpError | undefined {
  const limit = state.secondaryLimit;
  if (!limit || !isContentCreating(method)) return undefined;
  const now = Date.now();
  const times = (state.writes.get(key) ?? []).filter((t) => t > now - limit.windowMs);
  state.writes.set(key, times);
  if (times.length < limit.writes) {
    times.push(now);
    const log = state.acceptedWrites.get(key) ?? [];
    state.acceptedWrites.set(key, log);
    log.push(now);
    return undefined;
  }
  return faultError({ kind: 'secondary', retryAfter: Math.max(1, Math.ceil((times[0] + limit.windowMs - now) / 1000)) }, {});
}

function faultError(f: Fault, rateHeaders: Record<string, string>): GitHubHttpError {
  if (f.kind === 'secondary') {
    return new GitHubHttpError(f.status ?? 403, SECONDARY_MESSAGE, {
      documentationUrl: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      headers: { 'retry-after': String(f.retryAfter ?? 1) },
    });
  }
  if (f.kind === 'primary') {
    const reset = String(Math.floor(Date.now() / 1000) + (f.retryAfter ?? 1));
    return new GitHubHttpError(f.status ?? 403, 'API rate limit exceeded for installation. If you reach out to GitHub Support for help, please include the request ID.', {
      documentationUrl: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit',
      headers: { ...rateHeaders, 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
    });
  }
  const status = f.status ?? 500;
  return new GitHubHttpError(status, status === 502 ? 'Server Error' : status === 503 ? 'Service Unavailable' : 'Internal Server Error', {
    headers: f.retryAfter !== undefined ? { 'retry-after': String(f.retryAfter) } : {},
  });
}

function rateHeaders(state: EmulatorState, key: string): Record<string, string> {
  const nowS = Math.floor(Date.now() / 1000);
  let r = state.rate.get(key);
  if (!r || r.reset <= nowS) state.rate.set(key, (r = { used: 0, reset: nowS + Math.max(1, Math.ceil(state.rateWindowMs / 1000)) }));
  r.used++;
  return {
    'x-ratelimit-limit': String(state.rateLimit),
    'x-ratelimit-remaining': String(Math.max(state.rateLimit - r.used, 0)),
    'x-ratelimit-reset': String(r.reset),
    'x-ratelimit-used': String(r.used),
    'x-ratelimit-resource': 'core',
  };
}

async function handle(opts: ServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { state } = opts;
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
  const method = (req.method ?? 'GET').toUpperCase();
  const path = url.pathname.replace(/^\/api\/v3(?=\/|$)/, '') || '/';
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const requestId = randomUUID().replace(/-/g, '').slice(0, 20).toUpperCase();
  const raw = await readBody(req);
  let operation: Operation | undefined;
  let bodyForLog: unknown;
  let status = 500;
  const headers: Record<string, string> = {
    'x-github-request-id': requestId,
    'x-github-api-version-selected': '2022-11-28',
    'x-github-media-type': 'github.v3; format=json',
    'access-control-expose-headers': 'ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset',
  };
  const send = (r: Reply) => {
    status = r.status;
    Object.assign(headers, r.headers ?? {});
    if (r.raw) {
      res.writeHead(r.status, { ...headers, 'content-type': r.contentType ?? 'application/octet-stream', 'content-length': String(r.raw.length) });
      res.end(r.raw);
    } else if (r.body === undefined) {
      res.writeHead(r.status, headers);
      res.end();
    } else {
      const text = JSON.stringify(r.body);
      res.writeHead(r.status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
    }
  };
  try {
    // The codeload download behind the tarball redirect: outside the REST API, authorized by its URL token.
    const cl = /^\/_codeload\/([^/]+)\/([^/]+)\/legacy\.tar\.gz\/(.+)$/.exec(path);
    if (cl && method === 'GET') {
      const r = await codeload({ state }, decodeURIComponent(cl[1]), decodeURIComponent(cl[2]), decodeURIComponent(cl[3]), url.searchParams.get('token'));
      send({ status: r.status, raw: r.raw, headers: r.headers, contentType: r.headers['content-type'] });
      return;
    }
    const found = findOperation(method, path);
    if (!found) throw new GitHubHttpError(404, 'Not Found');
    operation = found.operation;
    const auth = authenticate(opts, operation, req.headers.authorization);
    const rate = rateHeaders(state, auth.kind === 'installation' ? `inst:${auth.installationId}` : 'app');
    Object.assign(headers, rate);
    const fault = faultFor(state, method, path, operation.op.operationId);
    if (fault) throw faultError(fault, rate);
    if (rate['x-ratelimit-remaining'] === '0' && Number(rate['x-ratelimit-used']) > state.rateLimit)
      throw faultError({ kind: 'primary', retryAfter: Number(rate['x-ratelimit-reset']) - Math.floor(Date.now() / 1000) }, rate);
    if (auth.kind === 'installation') {
      const refused = secondaryLimitError(state, `inst:${auth.installationId}`, method);
      if (refused) throw refused;
    }

    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new GitHubHttpError(400, 'Problems parsing JSON');
      }
    }
    bodyForLog = body;
    const headerParams: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headerParams[k] = v;
    const parts = { path: { ...found.params } as Record<string, string>, query: { ...query } as Record<string, string | string[]>, header: headerParams };
    const paramIssues = validateParameters(operation, parts);
    // A path parameter of the wrong type names no resource: GitHub answers 404.
    if (paramIssues.some((i) => Object.hasOwn(found.params, i.field))) throw new GitHubHttpError(404, 'Not Found');
    if (paramIssues.length) throw new GitHubHttpError(422, `Invalid request.\n\n${paramIssues.map((i) => i.message).join('\n')}`, { errors: paramIssues.map((i) => ({ resource: 'Parameter', field: i.field, code: i.code, message: i.message })) });
    if (['POST', 'PUT', 'PATCH'].includes(method) || body !== undefined) {
      const bodyIssues = validateBody(operation, body);
      if (bodyIssues.length)
        throw new GitHubHttpError(422, `Invalid request.\n\n${bodyIssues.map((i) => i.message).join('\n')}`, {
          errors: bodyIssues.map((i) => ({ resource: 'Request', field: i.field.replace(/^properties\//, ''), code: i.code, message: i.message })),
        });
    }
    const handler = HANDLERS[operation.op.operationId];
    if (!handler) throw new GitHubHttpError(501, `The Driftguard GitHub emulator does not implement ${operation.op.operationId} (${method} ${operation.template})`);
    const ctx: Ctx = { state, operation, method, path, url, params: parts.path, query: parts.query, body: body ?? {}, headers: req.headers, auth };
    const reply = await handler(ctx);
    if (opts.validateResponses && !reply.raw) {
      const issues = validateResponse(operation, reply.status, reply.body);
      if (issues.length) state.responseViolations.push({ operationId: operation.op.operationId, status: reply.status, issues: issues.map((i) => i.message) });
    }
    send(reply);
  } catch (e) {
    if (!(e instanceof GitHubHttpError)) throw e;
    Object.assign(headers, e.extra.headers ?? {});
    send({ status: e.status, body: e.body(e.extra.documentationUrl ?? documentationUrl(operation?.op)) });
  } finally {
    state.requests.push({ method, path, query, operationId: operation?.op.operationId, body: bodyForLog, status, at: new Date().toISOString() });
  }
}
