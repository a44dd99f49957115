// `policy:` in the operator and repo configs: a severity per check, with the line of each entry.
import type { PolicyConfig } from './types.ts';
import type { YamlSource } from './yaml-source.ts';

export function parsePolicyConfig(src: YamlSource): PolicyConfig | undefined {
  const raw = (src.value as { policy?: { rules?: Record<string, 'error' | 'warning' | 'off'> } }).policy;
  if (!raw) return undefined;
  const rules = raw.rules ?? {};
  const lines = Object.fromEntries(Object.keys(rules).map((r) => [r, src.locate(['policy', 'rules'], r).line]));
  return { rules, lines };
}
