// What the `sync` and `diff --context` commands share: connecting to a kubeconfig context, naming the
// app, parsing durations, and printing a SyncResult. Kept here so the command modules stay thin.
import { basename } from 'node:path';
import { DriftguardError } from '../core/errors.ts';
import { displayKey, type SourcedObject } from '../core/model/object.ts';
import { Cluster, loadKubeConfig } from '../kube/cluster.ts';
import { diffApp } from './diff-app.ts';
import type { DiffAppResult, SyncResult } from './types.ts';
import { EXIT } from '../cli/command.ts';

/** Exit code of `driftguard sync` when every write succeeded but the app is not Healthy (or health timed out). */
export const EXIT_UNHEALTHY = EXIT.UNHEALTHY;

export function connectCluster(opts: { context?: string; kubeconfig?: string; env?: NodeJS.ProcessEnv }): Cluster {
  const kubeconfig = opts.kubeconfig ?? (opts.env?.KUBECONFIG ? opts.env.KUBECONFIG.split(':')[0] : undefined);
  const kc = loadKubeConfig({ context: opts.context, kubeconfig });
  return new Cluster(opts.context ?? kc.getCurrentContext(), kc);
}

/** `--app`, or a label-safe name from the app path (`apps/shop/overlays/prod` -> `prod`, `.` -> root dir name). */
export function appNameFor(explicit: string | undefined, root: string, path: string): string {
  const raw = explicit ?? (path === '.' ? basename(root) : basename(path));
  const name = raw.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '').slice(0, 63);
  if (!name) throw new DriftguardError('USAGE', `cannot derive an app name from "${raw}"; pass --app <name>`);
  if (explicit !== undefined && name !== explicit) {
    throw new DriftguardError('USAGE', `--app "${explicit}" is not a valid label value (letters, digits, '-', '_', '.', at most 63, alphanumeric at both ends)`);
  }
  return name;
}

/** `5m`, `30s`, `1h30m`, `500ms`, or plain seconds. */
export function parseDuration(text: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(t))) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    consumed = re.lastIndex;
  }
  if (consumed !== t.length || consumed === 0) throw new DriftguardError('USAGE', `invalid duration "${text}" (use e.g. 90s, 5m, 1h)`);
  return total;
}

export function syncExitCode(r: SyncResult): number {
  if (r.phase === 'Failed') return 1;
  if (!r.dryRun && (r.healthTimedOut || (r.health !== undefined && r.health !== 'Healthy'))) return EXIT_UNHEALTHY;
  return 0;
}

export function formatSyncResult(r: SyncResult): string {
  const lines = [`sync app ${r.app} on ${r.cluster}${r.dryRun ? ' (dry run)' : ''}`];
  for (const x of r.resources) {
    const key = displayKey(x);
    const health = x.health && x.outcome !== 'failed' ? ` [${x.health.status}${x.health.status !== 'Healthy' && x.health.message ? `: ${x.health.message}` : ''}]` : '';
    const where = x.source ? ` (${x.source.file}:${x.source.line})` : '';
    lines.push(`  ${x.outcome.padEnd(9)} ${x.action.padEnd(6)} ${key}${health}${x.message ? ` — ${x.message}` : ''}${x.outcome === 'failed' ? where : ''}`);
  }
  lines.push(`${r.phase}: ${r.message} (${(r.durationMs / 1000).toFixed(1)}s)`);
  return lines.join('\n') + '\n';
}

/** The live-cluster part of `driftguard diff`: connect, diff (server dry run by default), close. */
export async function liveClusterDiff(opts: {
  desired: SourcedObject[]; app: string; context?: string; kubeconfig?: string; namespace?: string;
  mode?: 'server' | 'local'; env?: NodeJS.ProcessEnv; namespaced?: boolean;
}): Promise<DiffAppResult> {
  const cluster = connectCluster(opts);
  try {
    const allowedNamespaces = opts.namespaced ? [opts.namespace || cluster.contextNamespace || 'default'] : undefined;
    return await diffApp({ cluster, app: opts.app, namespace: opts.namespace, desired: opts.desired, mode: opts.mode, allowedNamespaces });
  } finally {
    await cluster.close();
  }
}

/** `driftguard diff <path> --context <ctx>`: app name like `sync`, server dry-run mode. */
export async function runLiveClusterDiff(
  desired: SourcedObject[], pathArg: string,
  values: Record<string, unknown>, io: { env: NodeJS.ProcessEnv; cwd: string },
): Promise<DiffAppResult> {
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const app = appNameFor(str('app'), io.cwd, basename(pathArg) || '.');
  return liveClusterDiff({ desired, app, context: str('context'), kubeconfig: str('kubeconfig'), namespace: str('namespace'), env: io.env, namespaced: values.namespaced === true });
}
