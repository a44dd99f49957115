// Options shared by commands that render an app path (render, diff), and the call into src/render.
import { resolve } from 'node:path';
import { DriftguardError } from '../core/errors.ts';
import { renderApp, type RenderResult } from '../render/render.ts';
import { clusterCapabilities, type HelmCapabilities } from '../render/capabilities.ts';
import { listOpt, stringOpt, type CliIO, type OptionSpec, type OptionValues } from './command.ts';
import { locateApp } from './locate-app.ts';

export const RENDER_OPTIONS: Record<string, OptionSpec> = {
  namespace: { type: 'string', short: 'n', valueName: 'ns', description: 'Helm release namespace (helm template --namespace); diff also compares namespaced objects that set none as if in it (default: default)' },
  type: { type: 'string', valueName: 'type', choices: ['auto', 'plain', 'kustomize', 'helm'], default: 'auto', description: 'how to render the path' },
  values: { type: 'string', short: 'f', multiple: true, valueName: 'file', description: 'Helm values file, applied in order' },
  set: { type: 'string', multiple: true, valueName: 'key=value', description: 'Helm --set expression, applied after values files' },
  'set-string': { type: 'string', multiple: true, valueName: 'key=value', description: 'Helm --set-string expression (the value stays a string), applied after --set' },
  'kube-version': { type: 'string', valueName: 'version', description: 'Helm .Capabilities.KubeVersion, e.g. 1.34 (default with diff --context: the cluster\'s; else helm\'s built-in)' },
  'api-versions': { type: 'string', multiple: true, valueName: 'gv[/Kind]', description: 'Helm .Capabilities.APIVersions, e.g. policy/v1 or monitoring.coreos.com/v1/ServiceMonitor; repeat or comma-separate (default with diff --context: all the cluster serves)' },
  'include-hooks': { type: 'boolean', description: 'keep helm.sh/hook objects among the rendered objects (default: set aside, not applied)' },
  'enable-helm': { type: 'boolean', description: 'kustomize --enable-helm: helmCharts from charts vendored in the repository' },
  'load-restrictor': { type: 'string', valueName: 'mode', choices: ['LoadRestrictionsRootOnly', 'LoadRestrictionsNone'], description: 'kustomize --load-restrictor (files stay inside the repository either way)' },
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
  const kubeVersion = stringOpt(values, 'kube-version');
  const apiVersions = listOpt(values, 'api-versions').flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const buildOptions = [
    ...(values['enable-helm'] === true ? ['--enable-helm'] : []),
    ...(stringOpt(values, 'load-restrictor') ? [`--load-restrictor ${stringOpt(values, 'load-restrictor')}`] : []),
  ];
  // Against a live cluster (diff --context), Helm sees that cluster's version and APIs, as under Argo CD.
  const context = values.live === undefined ? stringOpt(values, 'context') : undefined;
  const result = await renderApp({
    root,
    path,
    type: (stringOpt(values, 'type') ?? 'auto') as 'auto',
    namespace: stringOpt(values, 'namespace'),
    helm: {
      ...(release ? { releaseName: release } : {}),
      valueFiles: listOpt(values, 'values').map((f) => resolve(io.cwd, f)),
      set: listOpt(values, 'set'),
      setString: listOpt(values, 'set-string'),
      ...(kubeVersion ? { kubeVersion } : {}),
      ...(apiVersions.length ? { apiVersions } : {}),
    },
    ...(buildOptions.length ? { kustomize: { buildOptions } } : {}),
    ...(context ? { capabilities: () => capabilitiesOfContext({ context, kubeconfig: stringOpt(values, 'kubeconfig'), env: io.env }) } : {}),
    includeHooks: values['include-hooks'] === true,
    timeoutMs: timeout * 1000,
    tools: { env: io.env },
  });
  return { ...result, root, path };
}

/** Helm capabilities of a kubeconfig context: one short-lived connection, discovery, close. */
export async function capabilitiesOfContext(opts: { context?: string; kubeconfig?: string; env?: NodeJS.ProcessEnv }): Promise<HelmCapabilities> {
  const { connectCluster } = await import('../sync/cli-support.ts');
  const cluster = connectCluster(opts);
  try {
    return await clusterCapabilities.get(cluster.http);
  } finally {
    await cluster.close();
  }
}
