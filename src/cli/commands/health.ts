// `driftguard health <file-or-dir>`: health of saved live objects (kubectl get -o yaml output).
import { aggregateHealth, HEALTH_ORDER, objectHealth, type HealthStatus, type ObjectHealth } from '../../core/health/index.ts';
import { loadManifestPath } from '../../render/load-directory.ts';
import { EXIT, type Command } from '../command.ts';
import { locateLiveFiles } from '../locate-app.ts';
import { healthChecksFromOptions } from '../operator-health-checks.ts';
import { join } from 'node:path';

export interface HealthReport {
  resources: ObjectHealth[];
  summary: { status: HealthStatus; total: number } & Record<HealthStatus, number>;
}

const COLORS: Record<HealthStatus, string> = {
  Healthy: '\x1b[32m',
  Suspended: '\x1b[90m',
  Progressing: '\x1b[36m',
  Missing: '\x1b[33m',
  Degraded: '\x1b[31m',
  Unknown: '\x1b[35m',
};

export const healthCommand: Command = {
  name: 'health',
  summary: 'Assess the health of saved live objects (kubectl get -o yaml output)',
  usage: 'health <file-or-dir> [--output text|json] [--exit-code] [--operator-config <file>]',
  options: {
    output: { type: 'string', short: 'o', valueName: 'format', choices: ['text', 'json'], default: 'text', description: 'output format' },
    'exit-code': { type: 'boolean', description: 'exit with 3 when the aggregated status is not Healthy' },
    'operator-config': { type: 'string', valueName: 'file', description: 'use the CEL health checks (healthCheckExprs) of this operator config (default: $DRIFTGUARD_CONFIG)' },
  },
  positionals: { min: 1, max: 1 },
  details: `
Reads *.yaml/*.yml/*.json files (a kubectl "kind: List" is expanded) and prints, per object,
its status (Healthy, Suspended, Progressing, Missing, Degraded, Unknown) and a message, then the
app status (the worst one). Kinds without a health notion (ConfigMap, RBAC, ...) are Healthy.
With --operator-config (or DRIFTGUARD_CONFIG set), that config's healthCheckExprs decide their kinds,
as they do in the workers.

JSON output: {"resources": [{"group", "kind", "namespace", "name", "status", "message"}],
"summary": {"status", "total", "Healthy", "Suspended", "Progressing", "Missing", "Degraded", "Unknown"}}

Example:
  kubectl get deploy,sts,svc,ingress -n shop -o yaml > live.yaml && driftguard health live.yaml`,
  async run({ values, positionals, io, color }) {
    const checks = healthChecksFromOptions(values, io);
    const { root, path } = locateLiveFiles(positionals[0]!, io.cwd);
    const objects = loadManifestPath(root, join(root, path), { skipToolInputs: false });
    const resources = objects.map((so) => objectHealth(so.object, checks));
    const counts = Object.fromEntries(HEALTH_ORDER.map((s) => [s, 0])) as Record<HealthStatus, number>;
    for (const r of resources) counts[r.status] = (counts[r.status] ?? 0) + 1;
    const status = aggregateHealth(resources.map((r) => r.status));
    const report: HealthReport = { resources, summary: { status, total: resources.length, ...counts } };

    if (values.output === 'json') {
      io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      const paint = (s: HealthStatus, text: string) => (color ? `${COLORS[s]}${text}\x1b[0m` : text);
      const width = Math.max(6, ...resources.map((r) => r.status.length));
      for (const r of resources) {
        const what = `${r.kind}${r.group ? `.${r.group}` : ''} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
        io.stdout.write(`${paint(r.status, r.status.padEnd(width))}  ${what}${r.message ? `: ${r.message}` : ''}\n`);
      }
      const parts = HEALTH_ORDER.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
      io.stdout.write(`App health: ${paint(status, status)} (${resources.length} objects${parts.length ? `: ${parts.join(', ')}` : ''})\n`);
    }
    return values['exit-code'] && status !== 'Healthy' ? EXIT.DIFFERENCES : EXIT.OK;
  },
};
