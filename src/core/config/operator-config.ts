// The operator config (file named by DRIFTGUARD_CONFIG): clusters by name, and projects saying which
// repositories may deploy to which cluster namespaces, and which kinds (policy/bounds.ts).
import type { ClusterConfig, OperatorConfig, ProjectConfig } from './types.ts';
import { operatorConfigValidator } from './schema.ts';
import { parsePolicyConfig } from './policy-config.ts';
import { configError, loadYaml, schemaProblems, type ConfigProblem } from './yaml-source.ts';
import { kindRuleProblems } from './kind-rules.ts';
import { parseHealthChecks } from './health-checks.ts';
import { parseOperatorPreview } from './preview-config.ts';
import { parseOperatorDrift } from './drift-config.ts';

export function parseOperatorConfig(file: string, text: string): OperatorConfig {
  const src = loadYaml(file, text);
  const validate = operatorConfigValidator();
  if (!validate(src.value)) {
    throw configError(file, schemaProblems(src, validate.errors ?? []));
  }
  const raw = src.value as { clusters: ClusterConfig[]; projects: ProjectConfig[]; rollback?: { revertPullRequests?: boolean }; github?: { aggregateAbove?: number } };
  const problems: ConfigProblem[] = [];
  const clusters = new Map<string, number>();
  raw.clusters.forEach((c, i) => {
    const prev = clusters.get(c.name);
    if (prev !== undefined) problems.push({ message: `clusters[${i}].name: "${c.name}" is already used by clusters[${prev}]`, location: src.locate(['clusters', i, 'name']) });
    else clusters.set(c.name, i);
  });
  const projects = new Set<string>();
  raw.projects.forEach((p, i) => {
    if (projects.has(p.name)) problems.push({ message: `projects[${i}].name: "${p.name}" is already used`, location: src.locate(['projects', i, 'name']) });
    projects.add(p.name);
    problems.push(...kindRuleProblems(src, i, p));
    p.destinations.forEach((d, j) => {
      if (!clusters.has(d.cluster)) {
        problems.push({
          message: `projects[${i}].destinations[${j}].cluster: "${d.cluster}" is not one of the clusters (${[...clusters.keys()].join(', ') || 'none defined'})`,
          location: src.locate(['projects', i, 'destinations', j, 'cluster']),
        });
      }
    });
  });
  const health = parseHealthChecks(src);
  problems.push(...health.problems);
  const preview = parseOperatorPreview(src, new Set(clusters.keys()));
  problems.push(...preview.problems);
  const drift = parseOperatorDrift(src);
  problems.push(...drift.problems);
  if (problems.length > 0) throw configError(file, problems);
  const policy = parsePolicyConfig(src);
  return { file, clusters: raw.clusters, projects: raw.projects, ...(policy ? { policy } : {}), ...(health.checks ? { healthChecks: health.checks } : {}), ...(preview.preview ? { preview: preview.preview } : {}), ...(raw.rollback ? { rollback: { ...raw.rollback } } : {}), ...(raw.github ? { github: { ...raw.github } } : {}), ...(drift.drift ? { drift: drift.drift } : {}) };
}
