// What a handler receives, and what it returns.
import type { IncomingHttpHeaders } from 'node:http';
import type { Operation } from './spec.ts';
import type { EmulatorState } from './state.ts';

export type Auth = { kind: 'app'; appId: number } | { kind: 'installation'; installationId: number } | { kind: 'none' };

export interface Ctx {
  state: EmulatorState;
  operation: Operation;
  method: string;
  /** Path without the `/api/v3` prefix. */
  path: string;
  /** The URL as requested (absolute), for Link headers. */
  url: URL;
  params: Record<string, any>;
  query: Record<string, any>;
  body: any;
  headers: IncomingHttpHeaders;
  auth: Auth;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Non-JSON body (tarballs, raw contents). */
  raw?: Buffer;
  contentType?: string;
}

export type Handler = (ctx: Ctx) => Promise<Reply> | Reply;

/** Slices a list by page/per_page and adds GitHub's Link header. */
export function paginate<T>(ctx: Ctx, items: T[], reply: Omit<Reply, 'body'> & { wrap?: (page: T[]) => unknown } = { status: 200 }): Reply {
  const perPage = Math.min(Math.max(Number(ctx.query.per_page ?? 30) || 30, 1), 100);
  const page = Math.max(Number(ctx.query.page ?? 1) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = (p: number, rel: string) => {
    const u = new URL(ctx.url);
    u.searchParams.set('page', String(p));
    return `<${u.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  const headers = { ...(reply.headers ?? {}) };
  if (links.length) headers.link = links.join(', ');
  return { status: reply.status, headers, body: reply.wrap ? reply.wrap(slice) : slice };
}
