// `driftguard sync <path> --context <ctx>`: render the app, then apply/prune/wait for health on a live cluster.
// The cluster client is imported when the command runs, so `driftguard --help` and the file-only commands
// do not load @kubernetes/client-node (most of a cold start).
import { DriftguardError } from '../../core/errors.ts';
import { locateApp } from '../locate-app.ts';
import { capabilitiesOfContext } from '../render-args.ts';
import { boundsFromOptions, PROJECT_OPTIONS } from '../project-bounds.ts';
import { EXIT, stringOpt, type Command } from '../command.ts';

export const syncCommand: Command = {
  name: 'sync',
  summary: 'Apply an app to a live cluster (server-side apply), prune what it owns, wait for health',
  usage: 'sync <path> --context <ctx> [--namespace <ns>] [--app <name>] [--prune] [--dry-run] [--timeout 5m] [--allow-mass-prune] [--namespaced] [--project <name> [--operator-config <file>] [--cluster <name>]]',
  details:
    'Objects are applied with server-side apply (field manager "driftguard", force) in sync-wave order, then kind order; ' +
    'objects that are in sync are not written. With --prune, live objects labelled driftguard.dev/app=<app> with a matching ' +
    'tracking id that are no longer rendered are deleted (never anything else); pruning more than half of them needs --allow-mass-prune.\n' +
    'With --project, every object must stay inside that operator-config project\'s destination namespaces and kinds ' +
    '(else nothing is written), and owned objects outside them are never pruned.\n' +
    `Exit codes: 0 synced and healthy, 1 a resource failed or the sync was refused, 2 usage error, ${EXIT.UNHEALTHY} synced but not healthy (or health timed out).`,
  options: {
    context: { type: 'string', valueName: 'ctx', description: 'kubeconfig context (default: current context)' },
    kubeconfig: { type: 'string', valueName: 'file', description: 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' },
    namespace: { type: 'string', short: 'n', valueName: 'ns', description: 'namespace for namespaced objects without one' },
    app: { type: 'string', valueName: 'name', description: 'app name for ownership labels (default: the directory name)' },
    prune: { type: 'boolean', description: 'delete owned objects that are no longer rendered' },
    'dry-run': { type: 'boolean', description: 'validate every write on the server (dryRun=All); change nothing' },
    timeout: { type: 'string', valueName: 'duration', default: '5m', description: 'bound for writes plus waiting for health (0 = do not wait)' },
    'allow-mass-prune': { type: 'boolean', description: 'confirm pruning more than half of the app\'s resources' },
    namespaced: { type: 'boolean', description: 'access limited to the app namespace (namespaced RBAC): list/watch only there, refuse cluster-scoped objects' },
    concurrency: { type: 'string', valueName: 'n', description: 'writes in flight at once (default 10)' },
    root: { type: 'string', valueName: 'dir', description: 'repository root (default: enclosing git checkout)' },
    output: { type: 'string', short: 'o', valueName: 'format', choices: ['text', 'json'], default: 'text', description: 'text or json' },
    ...PROJECT_OPTIONS,
  },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals, io }) {
    const [{ renderApp }, { appNameFor, connectCluster, formatSyncResult, parseDuration, syncExitCode }, { syncApp }] = await Promise.all([
      import('../../render/index.ts'), import('../../sync/cli-support.ts'), import('../../sync/index.ts'),
    ]);
    const loc = locateApp(positionals[0]!, io.cwd, stringOpt(values, 'root'));
    const app = appNameFor(stringOpt(values, 'app'), loc.root, loc.path);
    const timeoutMs = parseDuration(stringOpt(values, 'timeout') ?? '5m');
    const conc = stringOpt(values, 'concurrency');
    if (conc !== undefined && !/^[1-9]\d{0,3}$/.test(conc)) throw new DriftguardError('USAGE', `--concurrency must be a positive integer (got "${conc}")`);
    const namespace = stringOpt(values, 'namespace');
    const bounds = boundsFromOptions(values, io);
    const context = { context: stringOpt(values, 'context'), kubeconfig: stringOpt(values, 'kubeconfig'), env: io.env };
    const rendered = await renderApp({ root: loc.root, path: loc.path, namespace, capabilities: () => capabilitiesOfContext(context) });
    const cluster = connectCluster({ context: stringOpt(values, 'context'), kubeconfig: stringOpt(values, 'kubeconfig'), env: io.env });
    try {
      const result = await syncApp({
        cluster, app, namespace, desired: [...rendered.objects, ...rendered.hooks], prune: values.prune === true, dryRun: values['dry-run'] === true,
        timeoutMs, allowMassPrune: values['allow-mass-prune'] === true, concurrency: conc ? Number(conc) : undefined,
        allowedNamespaces: values.namespaced === true ? [namespace || cluster.contextNamespace || 'default'] : undefined,
        ...(bounds ? { bounds } : {}),
      });
      io.stdout.write(stringOpt(values, 'output') === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatSyncResult(result));
      return syncExitCode(result);
    } finally {
      await cluster.close();
    }
  },
};
