// One entry point for rendering an app's path: detects plain / Kustomize / Helm, keeps everything
// inside the repository root, and returns objects with repo-relative file:line sources.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DriftguardError } from '../core/errors.ts';
import type { SourcedObject } from '../core/model/object.ts';
import { assertNoDuplicates } from '../core/manifests/index.ts';
import type { ManifestLimits } from '../core/manifests/limits.ts';
import { renderHelm } from './helm.ts';
import { kustomizationFile, renderKustomize } from './kustomize.ts';
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
  helm?: {
    releaseName?: string;
    /** Relative to the chart directory (or absolute inside the root). */
    valueFiles?: string[];
    values?: Record<string, unknown>;
    /** Helm `--set` expressions, applied after valueFiles and values. */
    set?: string[];
  };
  timeoutMs?: number;
  limits?: ManifestLimits;
  /** Tool lookup overrides (env for DRIFTGUARD_HELM etc.); defaults to process.env. */
  tools?: FindToolOptions;
}

export interface RenderResult {
  sourceType: SourceType;
  objects: SourcedObject[];
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
  if (sourceType !== 'helm' && (h.valueFiles?.length || h.set?.length || (h.values && Object.keys(h.values).length))) {
    throw new DriftguardError('USAGE', `Helm values were given but ${opts.path} is a ${sourceType} source, not a Helm chart`);
  }

  // Duplicates are judged as the API server will name the objects: in the app's namespace when unset.
  const identity = opts.namespace ? { defaultNamespace: opts.namespace } : {};
  let objects: SourcedObject[];
  if (sourceType === 'kustomize') {
    objects = await renderKustomize(rootReal, abs, { ...opts.tools, timeoutMs: opts.timeoutMs, limits: opts.limits });
  } else if (sourceType === 'helm') {
    objects = await renderHelm(rootReal, abs, {
      ...opts.tools,
      ...h,
      namespace: opts.namespace,
      timeoutMs: opts.timeoutMs,
      limits: opts.limits,
    });
  } else {
    objects = loadManifestPath(rootReal, abs, { limits: opts.limits, identity });
    return { sourceType, objects }; // checked for duplicates while parsing
  }
  assertNoDuplicates(objects, identity, 'rendered');
  return { sourceType, objects };
}

