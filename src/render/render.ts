// One entry point for rendering an app's path: detects plain / Kustomize / Helm, keeps everything
// inside the repository root, and returns objects with repo-relative file:line sources.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DriftguardError } from '../core/errors.ts';
import type { KubeObject, SourcedObject } from '../core/model/object.ts';
import { assertNoDuplicates } from '../core/manifests/index.ts';
import type { ManifestLimits } from '../core/manifests/limits.ts';
import { renderHelm, type HelmChartOptions } from './helm.ts';
import { buildOptionArgs, kustomizationFile, renderKustomize } from './kustomize.ts';
import type { HelmCapabilities } from './capabilities.ts';
import { loadManifestPath } from './load-directory.ts';
import { realRoot, repoPath, resolveInRoot } from './paths.ts';
import type { FindToolOptions } from './tools.ts';

export type SourceType = 'plain' | 'kustomize' | 'helm';

export interface RenderOptions {
  /** Repository root (absolute or relative to the process cwd). */
  root: string;
  /** App path relative to `root`; must stay inside it. */
  path: string;
  type?: 'auto' | SourceType;
  /** Helm's --namespace (objects without a namespace are not changed). */
  namespace?: string;
  helm?: HelmChartOptions;
  kustomize?: {
    /** Allow-listed: `--enable-helm`, `--load-restrictor LoadRestrictionsNone`. */
    buildOptions?: string[];
  };
  /**
   * The destination cluster's capabilities for Helm (`--kube-version`, `--api-versions`), or a
   * function that discovers them: called only when a chart is rendered (a Helm source, or a
   * Kustomization built with `--enable-helm`), so plain and Kustomize apps cost no discovery.
   */
  capabilities?: HelmCapabilities | (() => Promise<HelmCapabilities | undefined>);
  /**
   * Keep Helm hooks (`helm.sh/hook` objects) among `objects`. Default false: they are returned in
   * `hooks` and not applied, diffed or pruned — Argo CD runs them as sync hooks (tests never) and
   * Flux's helm-controller runs them around install/upgrade, neither keeps them as resources.
   */
  includeHooks?: boolean;
  timeoutMs?: number;
  limits?: ManifestLimits;
  /** Tool lookup overrides (env for DRIFTGUARD_HELM etc.); defaults to process.env. */
  tools?: FindToolOptions;
}

export interface RenderResult {
  sourceType: SourceType;
  /** The desired objects, in the tool's order. */
  objects: SourcedObject[];
  /** Helm hooks set aside (see RenderOptions.includeHooks), in the tool's order. */
  hooks: SourcedObject[];
  /**
   * Every input was read and rendered: a sync may prune from these objects. Always true today (any
   * unreadable input throws); carried so a partial render can never drive a prune by accident.
   */
  complete: boolean;
}

/**
 * A Helm hook in Argo CD's sense: a `helm.sh/hook` annotation other than Helm 2's `crd-install`
 * (which Argo CD and Helm 3 treat as a plain resource). An `argocd.argoproj.io/hook` annotation is
 * Argo CD's own hook mechanism and is left to the sync engine.
 */
export function isHelmHook(obj: KubeObject): boolean {
  const v = obj.metadata?.annotations?.['helm.sh/hook'];
  if (typeof v !== 'string') return false;
  const events = v.split(',').map((e) => e.trim()).filter(Boolean);
  return events.length > 0 && !events.every((e) => e === 'crd-install');
}

export function detectSourceType(dir: string): SourceType {
  if (!statSync(dir).isDirectory()) return 'plain';
  if (kustomizationFile(dir)) return 'kustomize';
  if (existsSync(join(dir, 'Chart.yaml'))) return 'helm';
  return 'plain';
}

export async function renderApp(opts: RenderOptions): Promise<RenderResult> {
  const rootReal = realRoot(opts.root);
  const abs = resolveInRoot(rootReal, opts.path);
  const detected = detectSourceType(abs);
  const sourceType = !opts.type || opts.type === 'auto' ? detected : opts.type;
  if (sourceType !== 'plain' && !statSync(abs).isDirectory()) {
    throw new DriftguardError('USAGE', `${sourceType} source ${opts.path} must be a directory`);
  }
  if (sourceType === 'kustomize' && !kustomizationFile(abs)) {
    throw new DriftguardError('NOT_FOUND', `${repoPath(rootReal, abs)} has no kustomization.yaml`);
  }
  if (sourceType === 'helm' && !existsSync(join(abs, 'Chart.yaml'))) {
    throw new DriftguardError('NOT_FOUND', `${repoPath(rootReal, abs)} has no Chart.yaml`);
  }
  const h = opts.helm ?? {};
  if (sourceType !== 'kustomize' && opts.kustomize?.buildOptions?.length) {
    throw new DriftguardError('USAGE', `kustomize build options were given but ${opts.path} is a ${sourceType} source, not a Kustomization`);
  }
  if (sourceType !== 'helm' && (h.valueFiles?.length || h.set?.length || h.setString?.length || (h.values && Object.keys(h.values).length))) {
    throw new DriftguardError('USAGE', `Helm values were given but ${opts.path} is a ${sourceType} source, not a Helm chart`);
  }

  // Duplicates are judged as the API server will name the objects: in the app's namespace when unset.
  const identity = opts.namespace ? { defaultNamespace: opts.namespace } : {};
  const caps = async (): Promise<HelmCapabilities> => {
    const c = typeof opts.capabilities === 'function' ? await opts.capabilities() : opts.capabilities;
    return { kubeVersion: h.kubeVersion ?? c?.kubeVersion, apiVersions: h.apiVersions ?? c?.apiVersions };
  };
  let objects: SourcedObject[];
  if (sourceType === 'kustomize') {
    const buildOptions = opts.kustomize?.buildOptions ?? [];
    const withHelm = buildOptionArgs(buildOptions).enableHelm; // validates the options before anything runs
    objects = await renderKustomize(rootReal, abs, {
      ...opts.tools,
      timeoutMs: opts.timeoutMs,
      limits: opts.limits,
      buildOptions,
      ...(withHelm ? await caps() : {}),
    });
  } else if (sourceType === 'helm') {
    objects = await renderHelm(rootReal, abs, {
      ...opts.tools,
      ...h,
      ...(await caps()),
      namespace: opts.namespace,
      timeoutMs: opts.timeoutMs,
      limits: opts.limits,
    });
  } else {
    objects = loadManifestPath(rootReal, abs, { limits: opts.limits, identity });
  }
  const hooks = opts.includeHooks ? [] : objects.filter((so) => isHelmHook(so.object));
  if (hooks.length) objects = objects.filter((so) => !isHelmHook(so.object));
  // Plain objects were checked for duplicates while parsing; hooks may repeat a name (one per event).
  if (sourceType !== 'plain') assertNoDuplicates(objects, identity, 'rendered');
  return { sourceType, objects, hooks, complete: true };
}
