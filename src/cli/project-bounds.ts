// `driftguard sync --project <name>`: the same bounds the workers enforce, from the operator config
// (`--operator-config`, default $DRIFTGUARD_CONFIG) and one of its clusters (`--cluster`, default the
// project's only destination cluster).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseOperatorConfig } from '../core/config/operator-config.ts';
import { DriftguardError } from '../core/errors.ts';
import { projectBounds, type ProjectBounds } from '../core/policy/bounds.ts';
import { stringOpt, type OptionSpec, type OptionValues } from './command.ts';

export const PROJECT_OPTIONS: Record<string, OptionSpec> = {
  project: { type: 'string', valueName: 'name', description: 'refuse objects outside this operator-config project\'s namespaces and kinds, before any write; never prune outside them' },
  'operator-config': { type: 'string', valueName: 'file', description: 'operator config for --project (default: $DRIFTGUARD_CONFIG)' },
  cluster: { type: 'string', valueName: 'name', description: 'operator-config cluster for --project (default: the project\'s only destination cluster)' },
};

export function boundsFromOptions(values: OptionValues, io: { env: NodeJS.ProcessEnv; cwd: string }): ProjectBounds | undefined {
  const project = stringOpt(values, 'project');
  if (project === undefined) {
    for (const o of ['operator-config', 'cluster']) if (stringOpt(values, o) !== undefined) throw new DriftguardError('USAGE', `--${o} needs --project`);
    return undefined;
  }
  const file = stringOpt(values, 'operator-config') ?? io.env.DRIFTGUARD_CONFIG;
  if (!file) throw new DriftguardError('USAGE', '--project needs the operator config: pass --operator-config <file> or set DRIFTGUARD_CONFIG');
  let text: string;
  try {
    text = readFileSync(resolve(io.cwd, file), 'utf8');
  } catch (e) {
    throw new DriftguardError('NOT_FOUND', `cannot read the operator config ${file}: ${(e as Error).message}`, { cause: e });
  }
  const operator = parseOperatorConfig(file, text);
  const p = operator.projects.find((x) => x.name === project);
  if (!p) throw new DriftguardError('USAGE', `no project "${project}" in ${file} (known: ${operator.projects.map((x) => x.name).join(', ') || 'none'})`);
  const clusters = [...new Set(p.destinations.map((d) => d.cluster))];
  const cluster = stringOpt(values, 'cluster') ?? (clusters.length === 1 ? clusters[0] : undefined);
  if (cluster === undefined) throw new DriftguardError('USAGE', `project "${project}" deploys to ${clusters.length ? `clusters ${clusters.join(', ')}` : 'no cluster'}; pass --cluster <name>`);
  if (!clusters.includes(cluster)) throw new DriftguardError('USAGE', `project "${project}" has no destination on cluster "${cluster}" (its clusters: ${clusters.join(', ') || 'none'})`);
  return projectBounds(operator, project, cluster);
}
