// Render one app of a checkout, turning failures into report errors (file:line when known).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../src/core/config/types.ts';
import { isDriftguardError } from '../src/core/errors.ts';
import type { SourcedObject } from '../src/core/model/object.ts';
import type { ReportError } from '../src/core/report/types.ts';
import type { WorkerDeps } from './deps.ts';
import { clusterCapabilities, type HelmCapabilities } from '../src/render/capabilities.ts';
import type { RenderOptions } from '../src/render/render.ts';

/** `complete`: the render read every input (a sync prunes only from a complete render). */
export type Rendered = { ok: true; objects: SourcedObject[]; hooks: SourcedObject[]; complete: boolean } | { ok: false; errors: ReportError[] } | { ok: 'missing' };

export async function renderAppAt(
  deps: Pick<WorkerDeps, 'render' | 'renderTimeoutMs'> & Partial<Pick<WorkerDeps, 'cluster' | 'renders'>>,
  root: string,
  app: AppConfig,
): Promise<Rendered> {
  if (!existsSync(join(root, app.path))) return { ok: 'missing' };
  try {
    const opts: RenderOptions = {
      root,
      path: app.path,
      type: app.type ?? 'auto',
      namespace: app.namespace,
      ...(app.helm ? { helm: { releaseName: app.helm.releaseName ?? app.name, valueFiles: app.helm.valueFiles, values: app.helm.values } } : { helm: { releaseName: app.name } }),
      ...(app.kustomize?.buildOptions ? { kustomize: { buildOptions: app.kustomize.buildOptions } } : {}),
      // Helm's .Capabilities from the destination cluster, as Argo CD does; discovered only when a chart renders.
      ...(deps.cluster ? { capabilities: () => destinationCapabilities(deps.cluster!, app.cluster) } : {}),
      timeoutMs: deps.renderTimeoutMs ?? 120_000,
    };
    // Identical inputs (another app on the same overlay, the same tree at another commit) render once.
    const r = deps.renders ? await deps.renders.render(opts, deps.cluster ? app.cluster : 'none', deps.render) : await deps.render(opts);
    return { ok: true, objects: r.objects, hooks: r.hooks, complete: r.complete };
  } catch (e) {
    return { ok: false, errors: [toReportError(e)] };
  }
}

/** Cached per cluster; an unreachable cluster renders with helm's defaults (the live diff reports the cluster error). */
async function destinationCapabilities(cluster: WorkerDeps['cluster'], name: string): Promise<HelmCapabilities | undefined> {
  try {
    return await clusterCapabilities.get(cluster(name).http);
  } catch {
    return undefined;
  }
}

export function toReportError(e: unknown): ReportError {
  if (isDriftguardError(e)) return { message: e.message, ...(e.location ? { location: e.location } : {}), title: e.code };
  return { message: e instanceof Error ? e.message : String(e) };
}
