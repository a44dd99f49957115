// Options shared by commands that render an app path (render, diff), and the call into src/render.
import { resolve } from 'node:path';
import { DriftguardError } from '../core/errors.ts';
import { renderApp, type RenderResult } from '../render/render.ts';
import { listOpt, stringOpt, type CliIO, type OptionSpec, type OptionValues } from './command.ts';
import { locateApp } from './locate-app.ts';

export const RENDER_OPTIONS: Record<string, OptionSpec> = {
  namespace: { type: 'string', short: 'n', valueName: 'ns', description: 'Helm release namespace (helm template --namespace); diff also compares namespaced objects that set none as if in it (default: default)' },
  type: { type: 'string', valueName: 'type', choices: ['auto', 'plain', 'kustomize', 'helm'], default: 'auto', description: 'how to render the path' },
  values: { type: 'string', short: 'f', multiple: true, valueName: 'file', description: 'Helm values file, applied in order' },
  set: { type: 'string', multiple: true, valueName: 'key=value', description: 'Helm --set expression, applied after values files' },
  release: { type: 'string', valueName: 'name', description: 'Helm release name (default: the chart name)' },
  root: { type: 'string', valueName: 'dir', description: 'repository root that rendering may not leave (default: the enclosing git checkout)' },
  timeout: { type: 'string', valueName: 'seconds', default: '60', description: 'time limit for helm/kustomize' },
};

export interface RenderedApp extends RenderResult {
  root: string;
  path: string;
}

export async function renderFromArgs(pathArg: string, values: OptionValues, io: CliIO): Promise<RenderedApp> {
  const { root, path } = locateApp(pathArg, io.cwd, stringOpt(values, 'root'));
  const timeout = Number(stringOpt(values, 'timeout') ?? '60');
  if (!Number.isFinite(timeout) || timeout <= 0) throw new DriftguardError('USAGE', '--timeout must be a positive number of seconds');
  const release = stringOpt(values, 'release');
  const result = await renderApp({
    root,
    path,
    type: (stringOpt(values, 'type') ?? 'auto') as 'auto',
    namespace: stringOpt(values, 'namespace'),
    helm: {
      ...(release ? { releaseName: release } : {}),
      valueFiles: listOpt(values, 'values').map((f) => resolve(io.cwd, f)),
      set: listOpt(values, 'set'),
    },
    timeoutMs: timeout * 1000,
    tools: { env: io.env },
  });
  return { ...result, root, path };
}
