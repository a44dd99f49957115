// Helm's `.Capabilities` for a real cluster, the way Argo CD fills them: `--kube-version` is the
// cluster's version (major.minor.patch, build metadata dropped) and `--api-versions` lists every
// served group/version AND group/version/Kind, so `.Capabilities.APIVersions.Has "policy/v1"` and
// `.Has "policy/v1/PodDisruptionBudget"` both answer as they would on the cluster.
// Discovery costs one GET per group/version (plus /version, /api, /apis), so results are cached per
// cluster for a few minutes; a CRD installed a minute ago shows up at the next refresh.
import { DriftguardError } from '../core/errors.ts';

export interface HelmCapabilities {
  /** e.g. `v1.34.5`; undefined = helm's built-in default. */
  kubeVersion?: string;
  /** `group/version` and `group/version/Kind` (core: `v1`, `v1/Pod`), sorted, unique. */
  apiVersions?: string[];
}

/** The part of KubeHttp discovery needs (a plain JSON GET). */
export interface DiscoveryHttp {
  request<T = unknown>(method: string, path: string): Promise<T>;
}

interface VersionInfo {
  major?: string;
  minor?: string;
  gitVersion?: string;
}
interface ApiVersionsDoc {
  versions?: string[];
}
interface ApiGroupListDoc {
  groups?: Array<{ name: string; versions?: Array<{ groupVersion: string }> }>;
}
interface ApiResourceListDoc {
  groupVersion?: string;
  resources?: Array<{ name: string; kind: string }>;
}

/**
 * `v1.34.5+k3s1` → `v1.34.5`, `v1.30.2-eks-1234` → `v1.30.2`, `1.34` → `v1.34.0`. Pre-release and
 * build parts are dropped, as Argo CD does: `semverCompare ">=1.25" ...` is false for `1.30.2-eks`
 * (a pre-release sorts before every release), which is not what a chart author means.
 */
export function normalizeKubeVersion(v: string): string {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(v.trim());
  if (!m) throw new DriftguardError('USAGE', `kube version "${v}" is not a Kubernetes version (expected e.g. 1.34 or v1.34.5)`);
  return `v${Number(m[1])}.${Number(m[2])}.${Number(m[3] ?? 0)}`;
}

/** The kube version from a /version answer (gitVersion, else major.minor; `1.27+` on GKE/EKS). */
export function kubeVersionOf(info: VersionInfo): string | undefined {
  if (info.gitVersion && /^v?\d+\.\d+/.test(info.gitVersion)) return normalizeKubeVersion(info.gitVersion);
  const major = info.major?.replace(/\D+$/, '');
  const minor = info.minor?.replace(/\D+$/, '');
  return major && minor ? normalizeKubeVersion(`${major}.${minor}`) : undefined;
}

/** Lists what the cluster serves: /version, /api, /apis, then each group/version's resources in parallel. */
export async function discoverCapabilities(http: DiscoveryHttp): Promise<HelmCapabilities> {
  const [version, core, groups] = await Promise.all([
    http.request<VersionInfo>('GET', '/version'),
    http.request<ApiVersionsDoc>('GET', '/api'),
    http.request<ApiGroupListDoc>('GET', '/apis'),
  ]);
  const gvs = new Set<string>();
  for (const v of core?.versions ?? []) gvs.add(v);
  for (const g of groups?.groups ?? []) for (const v of g.versions ?? []) gvs.add(v.groupVersion);
  const out = new Set<string>(gvs);
  const lists = await Promise.all(
    [...gvs].map(async (gv) => {
      try {
        return await http.request<ApiResourceListDoc>('GET', gv.includes('/') ? `/apis/${gv}` : `/api/${gv}`);
      } catch {
        // An aggregated API that is down (metrics-server…) must not stop rendering: kubectl and
        // Argo CD carry on with the groups that answered. Its group/version is still listed.
        return undefined;
      }
    }),
  );
  [...gvs].forEach((gv, i) => {
    for (const r of lists[i]?.resources ?? []) {
      if (!r.name.includes('/') && r.kind) out.add(`${gv}/${r.kind}`); // skip subresources (pods/log)
    }
  });
  return { kubeVersion: kubeVersionOf(version ?? {}), apiVersions: [...out].sort() };
}

/** Per-cluster cache (keyed by the cluster's connection object); concurrent callers share one discovery. */
export class CapabilitiesCache {
  private readonly entries = new WeakMap<DiscoveryHttp, { at: number; value: Promise<HelmCapabilities> }>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(http: DiscoveryHttp): Promise<HelmCapabilities> {
    const hit = this.entries.get(http);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    const value = discoverCapabilities(http);
    this.entries.set(http, { at: this.now(), value });
    value.catch(() => {
      if (this.entries.get(http)?.value === value) this.entries.delete(http); // do not cache failures
    });
    return value;
  }
}

/** The process-wide cache workers and the CLI use. */
export const clusterCapabilities = new CapabilitiesCache();
