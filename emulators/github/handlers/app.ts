// App-level endpoints, called with the app's JWT: the app, its installations, installation tokens.
import { paginate, type Handler } from '../context.ts';
import { notFound } from '../http-error.ts';
import { installation, integration, APP_PERMISSIONS, iso } from '../objects.ts';

export const appHandlers: Record<string, Handler> = {
  'apps/get-authenticated': (ctx) => ({ status: 200, body: { ...integration(ctx.state.urls, ctx.state.app), installations_count: ctx.state.installations.size } }),

  'apps/list-installations': (ctx) => {
    const all = [...ctx.state.installations.values()].map((i) => installation(ctx.state.urls, ctx.state.app, i));
    return paginate(ctx, all);
  },

  'apps/get-installation': (ctx) => {
    const i = ctx.state.installations.get(Number(ctx.params.installation_id));
    if (!i) throw notFound();
    return { status: 200, body: installation(ctx.state.urls, ctx.state.app, i) };
  },

  'apps/get-repo-installation': (ctx) => {
    const r = ctx.state.repo(ctx.params.owner, ctx.params.repo);
    if (!r) throw notFound();
    return { status: 200, body: installation(ctx.state.urls, ctx.state.app, ctx.state.installations.get(r.installationId)!) };
  },

  'apps/get-org-installation': (ctx) => {
    const i = [...ctx.state.installations.values()].find((x) => x.account.toLowerCase() === String(ctx.params.org).toLowerCase());
    if (!i) throw notFound();
    return { status: 200, body: installation(ctx.state.urls, ctx.state.app, i) };
  },

  'apps/create-installation-access-token': (ctx) => {
    const i = ctx.state.installations.get(Number(ctx.params.installation_id));
    if (!i) throw notFound();
    const { token, expiresAt } = ctx.state.issueToken(i.id);
    return {
      status: 201,
      body: { token, expires_at: iso(expiresAt), permissions: { ...APP_PERMISSIONS, ...(ctx.body?.permissions ?? {}) }, repository_selection: 'all' },
    };
  },
};
