// `.github/driftguard.yml`: validate against the schema, then the rules a schema cannot say
// (unique names, paths inside the repo), and normalize defaults.
import { posix } from 'node:path';
import type { IgnoreRule } from '../diff/types.ts';
import type { AppConfig, HelmOptions, KustomizeOptions, RepoConfig, RepoDriftConfig, SourceType, SyncPolicy } from './types.ts';
import { repoConfigValidator } from './schema.ts';
import { parsePolicyConfig } from './policy-config.ts';
import { configError, loadYaml, schemaProblems, type ConfigProblem } from './yaml-source.ts';
import { parseAppPreview, parseRepoPreview, type RawAppPreview } from './preview-config.ts';

export const REPO_CONFIG_PATH = '.github/driftguard.yml';

interface RawApp {
  name: string;
  path: string;
  cluster: string;
  namespace: string;
  targetRevision?: string;
  type?: SourceType;
  syncPolicy?: Partial<SyncPolicy>;
  ignoreDifferences?: IgnoreRule[];
  createNamespace?: boolean | { labels?: Record<string, string>; annotations?: Record<string, string> };
  helm?: HelmOptions;
  kustomize?: KustomizeOptions;
  preview?: RawAppPreview;
  driftDetection?: boolean;
}

/** Parse and validate a repo config. Throws DriftguardError('CONFIG_INVALID') located at the offending node. */
export function parseRepoConfig(file: string, text: string): RepoConfig {
  const src = loadYaml(file, text);
  const validate = repoConfigValidator();
  if (!validate(src.value)) {
    throw configError(file, schemaProblems(src, validate.errors ?? []));
  }
  const raw = src.value as { apps: RawApp[] };
  const problems: ConfigProblem[] = [];
  const names = new Map<string, number>();
  const apps: AppConfig[] = raw.apps.map((a, i) => {
    const loc = src.locate(['apps', i]);
    const prev = names.get(a.name);
    if (prev !== undefined) {
      problems.push({ message: `apps[${i}].name: "${a.name}" is already used by apps[${prev}]`, location: src.locate(['apps', i, 'name']) });
    } else names.set(a.name, i);
    const path = normalizeRepoPath(a.path);
    if (path === undefined) {
      problems.push({ message: `apps[${i}].path: "${a.path}" must be a relative path inside the repository`, location: src.locate(['apps', i, 'path']) });
    }
    (a.helm?.valueFiles ?? []).forEach((f, j) => {
      // Value files are relative to the app path; they may point elsewhere in the repo, never outside.
      if (path === undefined || normalizeRepoPath(posix.join(path, f)) === undefined || f.startsWith('/')) {
        problems.push({
          message: `apps[${i}].helm.valueFiles[${j}]: "${f}" must be a relative path inside the repository`,
          location: src.locate(['apps', i, 'helm', 'valueFiles', j]),
        });
      }
    });
    const app: AppConfig = {
      name: a.name,
      path: path ?? a.path,
      cluster: a.cluster,
      namespace: a.namespace,
      syncPolicy: { automated: a.syncPolicy?.automated ?? false, prune: a.syncPolicy?.prune ?? false, selfHeal: a.syncPolicy?.selfHeal ?? false },
      ignoreDifferences: a.ignoreDifferences ?? [],
      driftDetection: a.driftDetection ?? a.syncPolicy?.automated ?? false,
      line: loc.line,
    };
    if (a.createNamespace) {
      const m = a.createNamespace === true ? {} : a.createNamespace;
      app.createNamespace = { labels: m.labels ?? {}, annotations: m.annotations ?? {} };
    }
    if (a.targetRevision !== undefined) app.targetRevision = a.targetRevision;
    if (a.type !== undefined) app.type = a.type;
    if (a.helm !== undefined) app.helm = a.helm;
    if (a.kustomize !== undefined) app.kustomize = a.kustomize;
    if (a.preview !== undefined) {
      app.preview = parseAppPreview(src, ['apps', i], a, a.preview).preview;
    }
    return app;
  });
  if (problems.length > 0) throw configError(file, problems);
  const policy = parsePolicyConfig(src);
  const preview = parseRepoPreview(src);
  const rawDrift = (src.value as { drift?: Partial<RepoDriftConfig> }).drift;
  const drift: RepoDriftConfig | undefined = rawDrift ? { labels: rawDrift.labels ?? [], assignees: rawDrift.assignees ?? [] } : undefined;
  return { file, apps, ...(policy ? { policy } : {}), ...(preview ? { preview } : {}), ...(drift ? { drift } : {}) };
}

/** Normalized repo-relative path, or undefined when it is absolute or escapes the repo. */
export function normalizeRepoPath(p: string): string | undefined {
  if (p.includes('\\') || p.includes('\0') || p.startsWith('/')) return undefined;
  const n = posix.normalize(p).replace(/\/+$/, '');
  if (n === '..' || n.startsWith('../')) return undefined;
  return n === '' ? '.' : n;
}

/** True when a repo-relative file lies under the app's path. */
export function isUnderAppPath(appPath: string, file: string): boolean {
  return appPath === '.' || file === appPath || file.startsWith(`${appPath}/`);
}
