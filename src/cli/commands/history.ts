// `driftguard history <app>`: the deploy history the workers keep in Redis (REDIS_URL), newest first:
// every sync's SHA, time, trigger (push, command, self-heal, rollback), who, result and resources changed.
import { DriftguardError } from '../../core/errors.ts';
import { createRedis, redisOptions } from '../../store/redis.ts';
import { DeployHistory, DEFAULT_HISTORY_LIMIT, type DeployEntry } from '../../store/deploy-history.ts';
import { EXIT, stringOpt, type Command } from '../command.ts';

export interface HistoryReport {
  repo: string;
  app: string;
  entries: DeployEntry[];
}

export const historyCommand: Command = {
  name: 'history',
  summary: 'Print the deploy history of an app (from the workers\' Redis, REDIS_URL)',
  usage: 'history <app> [--repo <owner/name>] [--limit <n>] [--output text|json]',
  options: {
    repo: { type: 'string', valueName: 'owner/name', description: 'the repository of the app (needed when apps of several repositories share the name)' },
    limit: { type: 'string', valueName: 'n', default: '20', description: `entries to print, newest first (at most ${DEFAULT_HISTORY_LIMIT} are kept per app)` },
    output: { type: 'string', short: 'o', valueName: 'format', choices: ['text', 'json'], default: 'text', description: 'output format' },
  },
  positionals: { min: 1, max: 1 },
  details: `
Reads the history from the Redis the workers use (REDIS_URL, default redis://127.0.0.1:6379). Each entry
is one sync: when it ended, the commit, why it ran (push, command, self-heal, rollback), who asked, how it
ended (synced, failed, refused, skipped, cancelled, paused) and the resources it created, updated,
pruned or failed on.

JSON output: {"repo", "app", "entries": [{"id", "sha", "at", "trigger", "by", "result", "ref",
"counts": {"created", "updated", "pruned", "failed"}, "health", "message", "checkRunId", "deploymentId"}]}

Example:
  REDIS_URL=redis://redis.driftguard:6379 driftguard history web --limit 5`,
  async run({ values, positionals, io }) {
    const app = positionals[0]!;
    const limitText = stringOpt(values, 'limit') ?? '20';
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1) throw new DriftguardError('USAGE', `--limit must be a positive whole number, got ${JSON.stringify(limitText)}`);
    const url = io.env.REDIS_URL || undefined;
    const where = redisWhere(url);
    // Fail fast: a CLI must not wait forever for a Redis that is not there.
    const redis = createRedis(url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true, connectTimeout: 5000, retryStrategy: () => null });
    try {
      await redis.connect().catch((e: Error) => {
        throw new DriftguardError('REDIS_UNAVAILABLE', `cannot reach Redis at ${where} (${e.message}); set REDIS_URL to the workers' Redis`);
      });
      const history = new DeployHistory(redis);
      const known = await history.apps();
      const repo = stringOpt(values, 'repo');
      const matches = known.filter((k) => k.app === app && (!repo || k.repo.toLowerCase() === repo.toLowerCase()));
      if (matches.length === 0) {
        const apps = known.map((k) => `${k.repo}:${k.app}`).join(', ') || 'none';
        throw new DriftguardError('NOT_FOUND', `no deploy history for app "${app}"${repo ? ` of ${repo}` : ''} in Redis at ${where} (apps with a history: ${apps})`);
      }
      if (matches.length > 1) throw new DriftguardError('USAGE', `apps named "${app}" exist in ${matches.map((m) => m.repo).join(', ')}: name one with --repo`);
      const report: HistoryReport = { repo: matches[0].repo, app, entries: await history.list(matches[0].repo, app, limit) };
      io.stdout.write(values.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderHistory(report));
      return EXIT.OK;
    } finally {
      redis.disconnect();
    }
  },
};

/** host:port/db of a Redis URL, without credentials (for messages). */
function redisWhere(url: string | undefined): string {
  try {
    const o = redisOptions(url);
    return `${o.host}:${o.port}${o.db ? `/${o.db}` : ''}`;
  } catch (e) {
    throw new DriftguardError('USAGE', (e as Error).message);
  }
}

export function renderHistory(r: HistoryReport): string {
  const rows = r.entries.map((e) => [
    e.at, e.sha.slice(0, 7), e.trigger, e.by ? `@${e.by}` : '-', e.result,
    e.counts ? `+${e.counts.created} ~${e.counts.updated} -${e.counts.pruned}${e.counts.failed ? ` !${e.counts.failed}` : ''}` : '-',
    e.health ?? '-', e.message ?? '',
  ]);
  const head = ['TIME', 'SHA', 'TRIGGER', 'BY', 'RESULT', 'CHANGES', 'HEALTH', 'MESSAGE'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return `${r.repo} ${r.app}: ${r.entries.length} entr${r.entries.length === 1 ? 'y' : 'ies'}, newest first\n${[head, ...rows].map(line).join('\n')}\n`;
}
