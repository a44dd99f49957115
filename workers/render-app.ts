// Render one app of a checkout, turning failures into report errors (file:line when known).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../src/core/config/types.ts';
import { isDriftguardError } from '../src/core/errors.ts';
import type { SourcedObject } from '../src/core/model/object.ts';
import type { ReportError } from '../src/core/report/types.ts';
import type { WorkerDeps } from './deps.ts';

export type Rendered = { ok: true; objects: SourcedObject[] } | { ok: false; errors: ReportError[] } | { ok: 'missing' };

export async function renderAppAt(deps: Pick<WorkerDeps, 'render' | 'renderTimeoutMs'>, root: string, app: AppConfig): Promise<Rendered> {
  if (!existsSync(join(root, app.path))) return { ok: 'missing' };
  try {
    const r = await deps.render({
      root,
      path: app.path,
      type: app.type ?? 'auto',
      namespace: app.namespace,
      ...(app.helm ? { helm: { releaseName: app.helm.releaseName ?? app.name, valueFiles: app.helm.valueFiles, values: app.helm.values } } : { helm: { releaseName: app.name } }),
      timeoutMs: deps.renderTimeoutMs ?? 120_000,
    });
    return { ok: true, objects: r.objects };
  } catch (e) {
    return { ok: false, errors: [toReportError(e)] };
  }
}

export function toReportError(e: unknown): ReportError {
  if (isDriftguardError(e)) return { message: e.message, ...(e.location ? { location: e.location } : {}), title: e.code };
  return { message: e instanceof Error ? e.message : String(e) };
}
