// `preview:` in both configs, after the schema: templates rendered with sample values (so a template that
// can never give a valid namespace name or URL is refused at its line before any PR runs it), unknown
// placeholders, the TTL, and in the operator config the clusters that may host previews.
import type { AppPreviewConfig, OperatorPreviewConfig, PreviewImage, PreviewPatch, RepoPreviewConfig } from './types.ts';
import type { ConfigProblem, YamlSource } from './yaml-source.ts';
import { DEFAULT_NAMESPACE_TEMPLATE, parseDuration, previewNamespaceName, previewUrl, unknownPlaceholdersDeep } from '../preview/templates.ts';
import { displayPath } from './yaml-source.ts';

export const DEFAULT_PREVIEW_TTL_MS = 72 * 3600 * 1000;
/** How often the preview sweeper runs by default. */
export const DEFAULT_SWEEP_INTERVAL_MS = 5 * 60_000;

export interface RawAppPreview {
  enabled?: boolean;
  cluster?: string;
  namespace?: string;
  url?: string;
  ttl?: string;
  helm?: { values?: Record<string, unknown> };
  images?: PreviewImage[];
  patches?: Array<Omit<PreviewPatch, 'line'>>;
}

// Values the templates are tried with: a long PR number and a full SHA, so a name that fits these fits any PR
// up to that number (longer ones are shortened with a hash anyway).
const SAMPLE = { number: 99999, sha: 'f'.repeat(40) };

/**
 * The app's preview settings. Their problems (a template that cannot render a namespace name or URL, an
 * unknown placeholder, a bad TTL) are kept on the preview, located in `src`, instead of failing the whole
 * config: a mistake in a preview must not stop the app's production syncs. The preview job reports them
 * as its failure, at their file:line, and creates nothing.
 */
export function parseAppPreview(src: YamlSource, appPath: Array<string | number>, app: { name: string; cluster: string }, raw: RawAppPreview): { preview: AppPreviewConfig } {
  const at = (...p: Array<string | number>) => src.locate([...appPath, 'preview', ...p]);
  const where = (...p: Array<string | number>) => displayPath([...appPath, 'preview', ...p]);
  const problems: ConfigProblem[] = [];
  const namespace = raw.namespace ?? DEFAULT_NAMESPACE_TEMPLATE;
  const ns = previewNamespaceName(namespace, { ...SAMPLE, app: app.name });
  if (!ns.ok) problems.push({ message: `${where('namespace')}: ${ns.why}`, location: at('namespace') });
  if (raw.url !== undefined) {
    const u = previewUrl(raw.url, { ...SAMPLE, app: app.name, namespace: ns.ok ? ns.value : 'pr-1' });
    if (!u.ok) problems.push({ message: `${where('url')}: ${u.why}`, location: at('url') });
  }
  let ttlMs = DEFAULT_PREVIEW_TTL_MS;
  if (raw.ttl !== undefined) {
    const t = parseDuration(raw.ttl);
    if (t === undefined || t < 60_000) problems.push({ message: `${where('ttl')}: "${raw.ttl}" is not a duration of at least a minute (e.g. 72h, 3d, 1d12h, 90m)`, location: at('ttl') });
    else ttlMs = t;
  }
  const overrides: Array<[string, unknown]> = [['helm', raw.helm], ['images', raw.images], ['patches', raw.patches]];
  for (const [key, value] of overrides) {
    for (const u of unknownPlaceholdersDeep(value, [key])) {
      problems.push({ message: `${where(...u.path)}: unknown placeholder {{${u.name}}} (use {{number}}, {{sha}}, {{namespace}}, {{app}})`, location: at(...u.path) });
    }
  }
  const preview: AppPreviewConfig = {
    problems,
    enabled: raw.enabled ?? true,
    cluster: raw.cluster ?? app.cluster,
    namespace,
    ...(raw.url !== undefined ? { url: raw.url } : {}),
    ttlMs,
    ...(raw.helm?.values ? { helmValues: raw.helm.values } : {}),
    images: raw.images ?? [],
    patches: (raw.patches ?? []).map((p, i) => ({ ...p, line: at('patches', i).line })),
    line: src.locate(appPath, 'preview').line,
    namespaceLine: (raw.namespace !== undefined ? at('namespace') : at()).line,
    urlLine: (raw.url !== undefined ? at('url') : at()).line,
  };
  return { preview };
}

export function parseRepoPreview(src: YamlSource): RepoPreviewConfig | undefined {
  const raw = (src.value as { preview?: { maxPerRepo?: number } }).preview;
  if (!raw) return undefined;
  return { ...(raw.maxPerRepo !== undefined ? { maxPerRepo: raw.maxPerRepo } : {}), line: src.locate([], 'preview').line };
}

interface RawOperatorPreview {
  clusters: string[];
  sweepInterval?: string;
  resourceQuota?: OperatorPreviewConfig['resourceQuota'];
  limitRange?: OperatorPreviewConfig['limitRange'];
  networkPolicy?: Partial<OperatorPreviewConfig['networkPolicy']>;
  namespaceLabels?: Record<string, string>;
}

/** The operator's preview settings with defaults; every preview cluster must be a defined cluster. */
export function parseOperatorPreview(src: YamlSource, clusters: ReadonlySet<string>): { preview?: OperatorPreviewConfig; problems: ConfigProblem[] } {
  const raw = (src.value as { preview?: RawOperatorPreview }).preview;
  if (!raw) return { problems: [] };
  const problems: ConfigProblem[] = [];
  raw.clusters.forEach((c, i) => {
    if (!clusters.has(c)) problems.push({ message: `preview.clusters[${i}]: "${c}" is not one of the clusters (${[...clusters].join(', ') || 'none defined'})`, location: src.locate(['preview', 'clusters', i]) });
  });
  let sweepIntervalMs = DEFAULT_SWEEP_INTERVAL_MS;
  if (raw.sweepInterval === 'off') sweepIntervalMs = 0;
  else if (raw.sweepInterval !== undefined) {
    const t = parseDuration(raw.sweepInterval);
    if (t === undefined || t < 10_000) problems.push({ message: `preview.sweepInterval: "${raw.sweepInterval}" is not a duration of at least 10 seconds (e.g. 5m, 1h) or "off"`, location: src.locate(['preview', 'sweepInterval']) });
    else sweepIntervalMs = t;
  }
  const np = raw.networkPolicy ?? {};
  return {
    problems,
    preview: {
      clusters: raw.clusters,
      sweepIntervalMs,
      ...(raw.resourceQuota ? { resourceQuota: raw.resourceQuota } : {}),
      ...(raw.limitRange ? { limitRange: raw.limitRange } : {}),
      networkPolicy: {
        ingressFromNamespaces: np.ingressFromNamespaces ?? [],
        egressToNamespaces: np.egressToNamespaces ?? [],
        allowSameNamespace: np.allowSameNamespace ?? true,
        allowDNS: np.allowDNS ?? true,
      },
      namespaceLabels: raw.namespaceLabels ?? {},
    },
  };
}
