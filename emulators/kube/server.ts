// The HTTP front of the emulator: Kubernetes REST paths, content negotiation (JSON, YAML, protobuf
// bodies; Table and aggregated-discovery responses), watch streams, faults and counters.
import type { IncomingMessage, ServerResponse } from 'node:http';
import YAML from 'yaml';
import type { KubeObject } from '../../src/core/model/object.ts';
import type { KubeApi, PatchType, Subresource } from './api.ts';
import { AGGREGATED_V2, aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery.ts';
import type { Counters, Faults, RequestInfo, Verb } from './faults.ts';
import { decodeProtobufBody } from './protobuf-bridge.ts';
import { openapiV3Document, openapiV3Root } from './openapi.ts';
import { crdVersionSchema } from './crd-schema.ts';
import { apiVersionOf, type ResourceDef } from './resources.ts';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { ApiError, badRequest, gone, methodNotAllowed, pageNotFound, patchTypeUnsupported } from './status.ts';
import { toTable } from './table.ts';
import type { StoreEvent } from './store.ts';

export interface ServerContext {
  api: KubeApi;
  faults: Faults;
  counters: Counters;
  token: string;
  serverAddress: () => string;
  bookmarkIntervalMs: number;
  now: () => Date;
  /** Open watch responses, ended on close(). */
  watches: Set<ServerResponse>;
}

interface Route {
  res: ResourceDef;
  version: string;
  namespace?: string; // set for namespaced paths (and for the namespace object itself: its name)
  name?: string;
  subresource?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const docText = new WeakMap<object, string>();

function send(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

/** `Warning: 299 - "..."` headers, as the API server sends for dropped fields. */
function warn(res: ServerResponse, warnings: string[]): void {
  if (warnings.length) res.setHeader('Warning', warnings.map((w) => `299 - ${JSON.stringify(w)}`));
}

function sendError(res: ServerResponse, e: unknown): void {
  if (res.headersSent) { res.destroy(); return; }
  const err = e instanceof ApiError ? e : new ApiError(500, 'InternalError', `Internal error occurred: ${(e as Error)?.message ?? String(e)}`);
  const headers: Record<string, string> = {};
  if (err.details?.retryAfterSeconds) headers['Retry-After'] = String(err.details.retryAfterSeconds);
  const text = JSON.stringify(err.toStatus());
  res.writeHead(err.code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

// Plain events rather than `for await`: the async iterator costs more than the body on small requests.
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseBody(buf: Buffer, contentType: string): unknown {
  const ct = contentType.split(';')[0]!.trim().toLowerCase();
  if (buf.length === 0) return undefined;
  if (ct === 'application/vnd.kubernetes.protobuf') return decodeProtobufBody(buf);
  const text = buf.toString('utf8');
  try {
    if (ct === 'application/yaml' || ct === 'application/apply-patch+yaml') {
      // Apply bodies are usually JSON (client-go, client-node send JSON as YAML); JSON.parse is much faster.
      if (/^\s*[{[]/.test(text)) { try { return JSON.parse(text); } catch { /* YAML flow style after all */ } }
      return YAML.parse(text);
    }
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`error decoding body: ${(e as Error).message}`);
  }
}

function tryParse(buf: Buffer, contentType: string): unknown {
  try { return parseBody(buf, contentType); } catch { return undefined; }
}

const PATCH_TYPES: Record<string, PatchType> = {
  'application/apply-patch+yaml': 'apply',
  'application/merge-patch+json': 'merge',
  'application/json-patch+json': 'json',
  'application/strategic-merge-patch+json': 'strategic',
};

/** The manager a write is recorded under: ?fieldManager or the User-Agent's first segment (as the apiserver derives it). */
function managerOf(q: URLSearchParams, req: IncomingMessage): string {
  const fm = q.get('fieldManager');
  if (fm) return fm;
  const ua = req.headers['user-agent'] ?? '';
  return ua.split('/')[0]!.slice(0, 128) || 'unknown';
}

function resolveRoute(api: KubeApi, segs: string[]): Route | undefined {
  // segs: ['api','v1',...] or ['apis', group, version, ...]
  let group = '';
  let version: string;
  let rest: string[];
  if (segs[0] === 'api') { version = segs[1]!; rest = segs.slice(2); }
  else { group = segs[1]!; version = segs[2]!; rest = segs.slice(3); }
  if (!version || rest.length === 0) return undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const res = api.registry.byPlural(group, version, rest[2]!);
    if (res?.namespaced) return rest.length <= 5 ? { res, version, namespace: rest[1], name: rest[3], subresource: rest[4] } : undefined;
  }
  const res = api.registry.byPlural(group, version, rest[0]!);
  if (!res) return undefined;
  // A namespaced resource without a namespace can only be listed/watched across namespaces.
  if (res.namespaced) return rest.length === 1 ? { res, version } : undefined;
  if (rest.length > 3) return undefined;
  return { res, version, name: rest[1], subresource: rest[2] };
}

function verbOf(method: string, route: Route, q: URLSearchParams): Verb | undefined {
  switch (method) {
    case 'GET': return route.name ? (q.get('watch') === 'true' || q.get('watch') === '1' ? 'watch' : 'get') : (q.get('watch') === 'true' || q.get('watch') === '1' ? 'watch' : 'list');
    case 'POST': return 'create';
    case 'PUT': return 'update';
    case 'PATCH': return 'patch';
    case 'DELETE': return route.name ? 'delete' : 'deletecollection';
    default: return undefined;
  }
}

function wantsTable(req: IncomingMessage): boolean {
  return /as=Table/.test(String(req.headers.accept ?? ''));
}

export async function handle(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const q = url.searchParams;
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const segs = path.split('/').filter(Boolean).map(decodeURIComponent);

  // Health endpoints need no credentials, like the real server's anonymous access to them.
  if (path === '/healthz' || path === '/livez' || path === '/readyz') {
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    return;
  }
  // kubectl does not send bearer tokens over plain http, so a missing header is anonymous access
  // (allowed, like --anonymous-auth with permissive RBAC); a wrong token is refused.
  const auth = req.headers.authorization;
  if (auth !== undefined && auth !== `Bearer ${ctx.token}`) {
    sendError(res, new ApiError(401, 'Unauthorized', 'Unauthorized'));
    return;
  }

  const isResource = (segs[0] === 'api' && segs.length > 2) || (segs[0] === 'apis' && segs.length > 3);
  let route: Route | undefined;
  let info: RequestInfo;
  if (isResource) {
    route = resolveRoute(ctx.api, segs);
    if (!route) {
      // Unknown resource: the real server answers 404 with a Status.
      ctx.counters.record({ verb: 'get', group: segs[0] === 'api' ? '' : segs[1]!, resource: segs[segs.length - 1]! });
      sendError(res, pageNotFound());
      return;
    }
    const verb = verbOf(req.method ?? 'GET', route, q);
    if (!verb) { sendError(res, methodNotAllowed()); return; }
    info = { verb, group: route.res.group, resource: route.res.plural, subresource: route.subresource };
  } else {
    info = { verb: 'discovery', group: '', resource: path };
  }
  ctx.counters.record(info);
  // Concurrency as the server sees it (fault latency included: a slow server holds the request).
  if (isResource && info.verb !== 'watch') res.once('close', ctx.counters.begin());

  const fault = ctx.faults.decide(info);
  if (fault.latencyMs > 0) await sleep(fault.latencyMs);
  if (fault.drop) { req.socket.destroy(); return; }
  if (fault.status !== undefined) {
    const code = fault.status;
    const retry = code === 429 || code === 503 ? (fault.retryAfterSeconds ?? 1) : undefined;
    const reason = code === 429 ? 'TooManyRequests' : code === 503 ? 'ServiceUnavailable' : code === 504 ? 'Timeout' : 'InternalError';
    const message = code === 429 ? 'Too many requests, please try again later.' : 'Internal error occurred: injected fault';
    sendError(res, new ApiError(code, reason, message, retry ? { retryAfterSeconds: retry } : { causes: [{ reason: '', message: 'injected fault' }] }));
    return;
  }

  try {
    if (!isResource) { serveDiscovery(ctx, req, res, segs, path); return; }
    await serveResource(ctx, req, res, route!, q, info.verb);
  } catch (e) {
    sendError(res, e);
  }
}

function serveDiscovery(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, segs: string[], path: string): void {
  const reg = ctx.api.registry;
  const accept = String(req.headers.accept ?? '');
  const aggregated = accept.includes('as=APIGroupDiscoveryList') && /v=v2(;|,|$)/.test(accept.replace(/\s/g, '')) ;
  if (path === '/version') {
    send(res, 200, { major: '1', minor: '34', emulationMajor: '1', emulationMinor: '34', minCompatibilityMajor: '1', minCompatibilityMinor: '33', gitVersion: 'v1.34.5-driftguard', gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean', buildDate: '2026-01-01T00:00:00Z', goVersion: 'go1.24.0', compiler: 'gc', platform: 'linux/amd64' });
    return;
  }
  if (path === '/api') {
    if (aggregated) { res.setHeader('Vary', 'Accept'); send(res, 200, aggregatedDiscovery(reg, true), AGGREGATED_V2); return; }
    send(res, 200, apiVersions(ctx.serverAddress()));
    return;
  }
  if (path === '/apis') {
    if (aggregated) { res.setHeader('Vary', 'Accept'); send(res, 200, aggregatedDiscovery(reg, false), AGGREGATED_V2); return; }
    send(res, 200, apiGroupList(reg));
    return;
  }
  if (segs[0] === 'api' && segs.length === 2) {
    const list = apiResourceList(reg, '', segs[1]!);
    if (list) { send(res, 200, list); return; }
  }
  if (segs[0] === 'apis' && segs.length === 2) {
    const g = apiGroup(reg, segs[1]!);
    if (g) { send(res, 200, g); return; }
  }
  if (segs[0] === 'apis' && segs.length === 3) {
    const list = apiResourceList(reg, segs[1]!, segs[2]!);
    if (list) { send(res, 200, list); return; }
  }
  const crdSchema = (group: string, plural: string, version: string) => {
    const crdRes = reg.byKind('apiextensions.k8s.io', 'CustomResourceDefinition')!;
    return crdVersionSchema(ctx.api.store.get(crdRes, '', `${plural}.${group}`) as Record<string, any> | undefined, version);
  };
  if (path === '/openapi/v3') { send(res, 200, openapiV3Root(reg, crdSchema)); return; }
  if (segs[0] === 'openapi' && segs[1] === 'v3' && segs.length >= 3) {
    const doc = openapiV3Document(reg, segs.slice(2), crdSchema);
    if (doc) {
      // Documents are cached objects: serialize each once (hundreds of KiB for core/v1).
      let text = docText.get(doc);
      if (!text) docText.set(doc, (text = JSON.stringify(doc)));
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
      res.end(text);
      return;
    }
  }
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
}

async function serveResource(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, route: Route, q: URLSearchParams, verb: Verb): Promise<void> {
  const api = ctx.api;
  const r = route.res;
  const ns = route.namespace ?? '';
  const sub = (route.subresource ?? '') as Subresource | 'finalize' | 'log';
  if (r.review && verb !== 'create') throw methodNotAllowed();
  if (sub === 'log' && r.kind === 'Pod' && !r.group && verb === 'get') {
    // No containers run here: the log says so, which is enough for `kubectl logs` to work.
    const pod = api.get(r, ns, route.name!);
    const container = q.get('container') ?? ((pod.spec as any)?.containers?.[0]?.name ?? '');
    const text = `[driftguard emulator] container "${container}" of pod ${ns}/${route.name} runs no process; there is no log output\n`;
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) }).end(text);
    return;
  }
  if (sub && !(r.subresources as string[]).includes(sub) && !(sub === 'finalize' && r.kind === 'Namespace')) throw pageNotFound();
  const dryRun = q.getAll('dryRun').includes('All');
  const version = route.version;

  switch (verb) {
    case 'get': {
      const obj = api.get(r, ns, route.name!, version, true);
      if (sub === 'scale') { send(res, 200, api.scaleOf(r, obj)); return; }
      if (wantsTable(req)) { send(res, 200, tableFor(ctx, r, [obj], q, version, { resourceVersion: obj.metadata.resourceVersion })); return; }
      send(res, 200, obj);
      return;
    }
    case 'list': {
      // Listing in a namespace that does not exist is an empty list, as on a real server.
      const out = api.list(r, route.namespace, {
        labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: q.get('fieldSelector') ?? undefined,
        limit: q.get('limit') ? Number(q.get('limit')) : undefined, continue: q.get('continue') ?? undefined,
      }, version, true);
      const listMeta: Record<string, unknown> = { resourceVersion: out.rv };
      if (out.continue) { listMeta.continue = out.continue; listMeta.remainingItemCount = out.remaining; }
      if (wantsTable(req)) { send(res, 200, tableFor(ctx, r, out.items, q, version, listMeta)); return; }
      send(res, 200, { kind: r.listKind, apiVersion: apiVersionOf(r.group, version), metadata: listMeta, items: out.items });
      return;
    }
    case 'watch':
      serveWatch(ctx, req, res, route, q);
      return;
    case 'create': {
      if (route.name) throw methodNotAllowed();
      const raw = await readBody(req);
      const ctype = String(req.headers['content-type'] ?? 'application/json');
      // Reviews need nothing from their body to be answered; kubectl sends them as protobuf.
      const body = (r.review ? tryParse(raw, ctype) ?? { metadata: {}, spec: {} } : parseBody(raw, ctype)) as KubeObject;
      if (!body || typeof body !== 'object') throw badRequest('the body of the request is empty');
      if (r.review) {
        // The emulator authorizes everything (anonymous, permissive RBAC): reviews say so.
        const status = r.kind === 'SelfSubjectRulesReview'
          ? { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false }
          : { allowed: true, reason: 'the Driftguard emulator allows every request' };
        send(res, 201, { ...body, apiVersion: apiVersionOf(r.group, version), kind: r.kind, metadata: { ...(body.metadata ?? {}) }, status });
        return;
      }
      const warnings: string[] = [];
      const created = api.create(r, ns, body, { manager: managerOf(q, req), dryRun, version, fieldValidation: q.get('fieldValidation') ?? undefined, warnings, view: true });
      warn(res, warnings);
      send(res, 201, created);
      return;
    }
    case 'update': {
      const body = parseBody(await readBody(req), String(req.headers['content-type'] ?? 'application/json')) as KubeObject;
      if (!body || typeof body !== 'object') throw badRequest('the body of the request is empty');
      if (sub === 'finalize') {
        const live = api.get(r, '', route.name!, version);
        const next = structuredClone(live);
        (next as any).spec = { ...(next as any).spec, finalizers: (body as any).spec?.finalizers ?? [] };
        send(res, 200, api.writeObject(r, live, next, managerOf(q, req)));
        return;
      }
      const warnings: string[] = [];
      const updated = api.update(r, ns, route.name!, body, { manager: managerOf(q, req), dryRun, subresource: sub as Subresource, version, fieldValidation: q.get('fieldValidation') ?? undefined, warnings, view: true });
      warn(res, warnings);
      send(res, 200, updated);
      return;
    }
    case 'patch': {
      const ct = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const type = PATCH_TYPES[ct];
      if (!type || (type === 'strategic' && r.crd)) throw patchTypeUnsupported(!!r.crd);
      const body = parseBody(await readBody(req), ct);
      const force = q.get('force') === 'true';
      const manager = type === 'apply' ? (q.get('fieldManager') ?? '') : managerOf(q, req);
      const existed = !!api.store.get(r, r.namespaced ? ns : '', route.name!);
      const warnings: string[] = [];
      const out = api.patch(r, ns, route.name!, type, body, { manager, force, dryRun, subresource: sub as Subresource, version, fieldValidation: q.get('fieldValidation') ?? undefined, warnings, view: true });
      warn(res, warnings);
      send(res, existed || sub ? 200 : 201, out);
      return;
    }
    case 'delete': {
      const buf = await readBody(req);
      const opts = buf.length ? (parseBody(buf, 'application/json') as Record<string, any>) : {};
      const policy = q.get('propagationPolicy') ?? opts.propagationPolicy ?? (opts.orphanDependents === true ? 'Orphan' : undefined);
      const out = api.delete(r, ns, route.name!, {
        propagationPolicy: policy, dryRun: dryRun || (opts.dryRun ?? []).includes('All'), preconditions: opts.preconditions, version,
      });
      if (out.pending || r.kind === 'Namespace') { send(res, 200, out.object); return; }
      send(res, 200, {
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success',
        details: { name: route.name, group: r.group || undefined, kind: r.plural, uid: out.object.metadata.uid },
      });
      return;
    }
    case 'deletecollection': {
      const buf = await readBody(req);
      const opts = buf.length ? (parseBody(buf, 'application/json') as Record<string, any>) : {};
      const items = api.deleteCollection(r, route.namespace, {
        labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: q.get('fieldSelector') ?? undefined,
        propagationPolicy: q.get('propagationPolicy') ?? opts.propagationPolicy, dryRun,
      });
      send(res, 200, { kind: r.listKind, apiVersion: apiVersionOf(r.group, version), metadata: { resourceVersion: String(api.store.currentRv) }, items });
      return;
    }
    default:
      throw methodNotAllowed();
  }
}

function tableFor(ctx: ServerContext, r: ResourceDef, items: KubeObject[], q: URLSearchParams, version: string, listMeta: Record<string, unknown>): object {
  let crd: Record<string, any> | undefined;
  if (r.crd) {
    const crdRes = ctx.api.registry.byKind('apiextensions.k8s.io', 'CustomResourceDefinition')!;
    crd = ctx.api.store.get(crdRes, '', `${r.plural}.${r.group}`) as Record<string, any> | undefined;
  }
  return toTable(r, items, { now: ctx.now(), includeObject: q.get('includeObject') ?? undefined, listMeta, crd, version });
}

function serveWatch(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, route: Route, q: URLSearchParams): void {
  const api = ctx.api;
  const r = route.res;
  const version = route.version;
  const labelReqs = q.get('labelSelector') ? parseLabelSelector(q.get('labelSelector')!) : [];
  const fieldReqs = q.get('fieldSelector') ? parseFieldSelector(q.get('fieldSelector')!, r.kind) : [];
  const table = wantsTable(req);
  const matches = (o: KubeObject) =>
    (!r.namespaced || !route.namespace || o.metadata.namespace === route.namespace) &&
    (!route.name || o.metadata.name === route.name) &&
    matchesLabels(labelReqs, o.metadata.labels) && matchesFields(fieldReqs, o);

  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  const write = (type: string, obj: unknown) => {
    if (!res.writableEnded) res.write(`${JSON.stringify({ type, object: obj })}\n`);
  };
  const render = (o: KubeObject) => {
    const p = api.view(r, o, version);
    return table ? tableFor(ctx, r, [p], q, version, { resourceVersion: p.metadata.resourceVersion }) : p;
  };

  // Objects entering or leaving a filtered watch arrive as ADDED or DELETED, as from the watch cache.
  const emit = (e: StoreEvent) => {
    if (e.res.group !== r.group || e.res.plural !== r.plural) return;
    const now = matches(e.object);
    if (e.type !== 'MODIFIED' || !e.old) { if (now) write(e.type, render(e.object)); return; }
    const before = matches(e.old);
    if (now && before) write('MODIFIED', render(e.object));
    else if (now) write('ADDED', render(e.object));
    else if (before) write('DELETED', render(e.object));
  };

  const rvParam = q.get('resourceVersion') ?? '';
  const sendInitial = q.get('sendInitialEvents') === 'true';
  const bookmarks = q.get('allowWatchBookmarks') === 'true';
  let lastRv = api.store.currentRv;
  if (rvParam === '' || rvParam === '0' || sendInitial) {
    for (const o of api.store.list(r, r.namespaced ? route.namespace : undefined)) if (matches(o)) write('ADDED', render(o));
    if (sendInitial && bookmarks) {
      write('BOOKMARK', { kind: r.kind, apiVersion: apiVersionOf(r.group, version), metadata: { resourceVersion: String(lastRv), annotations: { 'k8s.io/initial-events-end': 'true' } } });
    }
  } else {
    const since = Number(rvParam);
    const events = Number.isFinite(since) ? api.store.eventsSince(since) : undefined;
    if (!events) {
      write('ERROR', gone(`too old resource version: ${rvParam} (${api.store.compactedRv + 1})`).toStatus());
      res.end();
      return;
    }
    for (const e of events) emit(e);
  }
  const unsubscribe = api.store.subscribe(r, emit);
  const timers: NodeJS.Timeout[] = [];
  if (bookmarks) {
    // Every event up to the store's current revision has been delivered (fan-out is synchronous).
    timers.push(setInterval(() => write('BOOKMARK', { kind: r.kind, apiVersion: apiVersionOf(r.group, version), metadata: { resourceVersion: String(api.store.currentRv) } }), ctx.bookmarkIntervalMs));
  }
  const timeout = Number(q.get('timeoutSeconds') ?? 0);
  if (timeout > 0) timers.push(setTimeout(() => res.end(), timeout * 1000));
  ctx.watches.add(res);
  const cleanup = () => {
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    ctx.watches.delete(res);
  };
  res.on('close', cleanup);
  req.on('close', () => { if (!res.writableEnded) res.end(); });
}
