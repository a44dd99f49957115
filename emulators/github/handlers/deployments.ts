// Deployments and deployment statuses (auto_inactive marks older successful deployments of the
// environment inactive, like GitHub).
import { paginate, type Ctx, type Handler } from '../context.ts';
import { GitHubHttpError, notFound } from '../http-error.ts';
import { integration, nodeId, simpleUser, type RepoRecord } from '../objects.ts';
import type { DeploymentRecord, DeploymentStatusRecord, EmulatorState } from '../state.ts';
import { now, repoOf } from './common.ts';
import { resolveCommit } from '../git.ts';

function deploymentObject(state: EmulatorState, r: RepoRecord, d: DeploymentRecord) {
  const api = `${state.urls.api}/repos/${r.owner}/${r.name}`;
  const updated = d.statuses.at(-1)?.createdAt ?? d.createdAt;
  return {
    url: `${api}/deployments/${d.id}`,
    id: d.id,
    node_id: nodeId('DE_', d.id),
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.originalEnvironment,
    environment: d.environment,
    description: d.description,
    creator: simpleUser(state.urls, d.creator),
    created_at: d.createdAt,
    updated_at: updated,
    statuses_url: `${api}/deployments/${d.id}/statuses`,
    repository_url: api,
    transient_environment: d.transient,
    production_environment: d.production,
    performed_via_github_app: d.creator === state.botLogin ? integration(state.urls, state.app) : null,
  };
}

function statusObject(state: EmulatorState, r: RepoRecord, d: DeploymentRecord, s: DeploymentStatusRecord) {
  const api = `${state.urls.api}/repos/${r.owner}/${r.name}`;
  return {
    url: `${api}/deployments/${d.id}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId('DES_', s.id),
    state: s.state,
    creator: simpleUser(state.urls, s.creator),
    description: s.description,
    environment: s.environment,
    // GitHub answers "" for unset URLs, which its own schema (format: uri) rejects: point at the
    // deployments page instead, and leave the optional URLs out.
    target_url: s.targetUrl || `${state.urls.web}/${r.owner}/${r.name}/deployments`,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    deployment_url: `${api}/deployments/${d.id}`,
    repository_url: api,
    ...(s.environmentUrl ? { environment_url: s.environmentUrl } : {}),
    ...(s.logUrl ? { log_url: s.logUrl } : {}),
    performed_via_github_app: s.creator === state.botLogin ? integration(state.urls, state.app) : null,
  };
}

function deploymentOf(ctx: Ctx): { r: RepoRecord; d: DeploymentRecord } {
  const r = repoOf(ctx);
  const d = ctx.state.deployments.find((x) => x.id === Number(ctx.params.deployment_id) && x.repoKey === `${r.owner}/${r.name}`.toLowerCase());
  if (!d) throw notFound();
  return { r, d };
}

const actor = (ctx: Ctx) => (ctx.auth.kind === 'installation' ? ctx.state.botLogin : 'octocat');

export const deploymentHandlers: Record<string, Handler> = {
  'repos/create-deployment': async (ctx) => {
    const r = repoOf(ctx);
    const b = ctx.body;
    const ref = String(b.ref);
    const sha = (await resolveCommit(r.dir, ref)) ?? (await resolveCommit(r.dir, `refs/heads/${ref}`));
    if (!sha) throw new GitHubHttpError(422, `No ref found for: ${ref}`);
    const env = b.environment ?? 'production';
    const d: DeploymentRecord = {
      repoKey: `${r.owner}/${r.name}`.toLowerCase(),
      id: ctx.state.id(),
      sha,
      ref,
      task: b.task ?? 'deploy',
      payload: b.payload ?? {},
      environment: env,
      originalEnvironment: env,
      description: b.description ?? null,
      transient: b.transient_environment ?? false,
      production: b.production_environment ?? env === 'production',
      creator: actor(ctx),
      createdAt: now(),
      statuses: [],
    };
    ctx.state.deployments.push(d);
    return { status: 201, body: deploymentObject(ctx.state, r, d) };
  },

  'repos/list-deployments': (ctx) => {
    const r = repoOf(ctx);
    const q = ctx.query;
    const list = ctx.state.deployments
      .filter((d) => d.repoKey === `${r.owner}/${r.name}`.toLowerCase())
      .filter((d) => (!q.sha || d.sha === q.sha) && (!q.ref || d.ref === q.ref) && (!q.task || d.task === q.task) && (!q.environment || d.environment === q.environment))
      .sort((a, b) => b.id - a.id);
    const page = paginate(ctx, list);
    page.body = (page.body as DeploymentRecord[]).map((d) => deploymentObject(ctx.state, r, d));
    return page;
  },

  'repos/get-deployment': (ctx) => {
    const { r, d } = deploymentOf(ctx);
    return { status: 200, body: deploymentObject(ctx.state, r, d) };
  },

  'repos/create-deployment-status': (ctx) => {
    const { r, d } = deploymentOf(ctx);
    const b = ctx.body;
    if (b.environment) d.environment = b.environment;
    const s: DeploymentStatusRecord = {
      id: ctx.state.id(),
      state: b.state,
      description: b.description ?? '',
      environment: d.environment,
      targetUrl: b.target_url ?? b.log_url ?? '',
      logUrl: b.log_url ?? b.target_url ?? '',
      environmentUrl: b.environment_url ?? '',
      creator: actor(ctx),
      createdAt: now(),
    };
    d.statuses.push(s);
    if (b.state === 'success' && b.auto_inactive !== false) {
      for (const other of ctx.state.deployments) {
        if (other === d || other.repoKey !== d.repoKey || other.environment !== d.environment || other.transient) continue;
        if (other.statuses.at(-1)?.state === 'success')
          other.statuses.push({ ...s, id: ctx.state.id(), state: 'inactive', description: '', environment: other.environment });
      }
    }
    return { status: 201, body: statusObject(ctx.state, r, d, s) };
  },

  'repos/list-deployment-statuses': (ctx) => {
    const { r, d } = deploymentOf(ctx);
    const page = paginate(ctx, [...d.statuses].reverse());
    page.body = (page.body as DeploymentStatusRecord[]).map((s) => statusObject(ctx.state, r, d, s));
    return page;
  },

  'repos/get-deployment-status': (ctx) => {
    const { r, d } = deploymentOf(ctx);
    const s = d.statuses.find((x) => x.id === Number(ctx.params.status_id));
    if (!s) throw notFound();
    return { status: 200, body: statusObject(ctx.state, r, d, s) };
  },
};
