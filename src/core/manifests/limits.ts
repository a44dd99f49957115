// Limits that keep a hostile or broken repo from hanging the parser or eating memory.

export interface ManifestLimits {
  /** Largest file accepted, in bytes (UTF-8). Default 10 MiB. */
  maxFileBytes?: number;
  /**
   * Most alias dereferences allowed per document (`*anchor`), the defence against "billion laughs"
   * expansion. Default 100, as the `yaml` package uses; legitimate manifests rarely use more than a few.
   */
  maxAliasCount?: number;
  /** Most documents per file. Default 10,000. */
  maxDocuments?: number;
  /** Deepest flow-collection (`[`/`{`) nesting accepted. Default 500; real manifests stay under 50. */
  maxFlowDepth?: number;
}

export const DEFAULT_LIMITS: Required<ManifestLimits> = {
  maxFileBytes: 10 * 1024 * 1024,
  maxAliasCount: 100,
  maxDocuments: 10_000,
  maxFlowDepth: 500,
};

export function resolveLimits(l?: ManifestLimits): Required<ManifestLimits> {
  return {
    maxFileBytes: l?.maxFileBytes ?? DEFAULT_LIMITS.maxFileBytes,
    maxAliasCount: l?.maxAliasCount ?? DEFAULT_LIMITS.maxAliasCount,
    maxDocuments: l?.maxDocuments ?? DEFAULT_LIMITS.maxDocuments,
    maxFlowDepth: l?.maxFlowDepth ?? DEFAULT_LIMITS.maxFlowDepth,
  };
}
