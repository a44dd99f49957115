// `driftguard diff <desired-path> --live <file-or-dir>`: renders the desired side like `render`,
// reads saved live objects (kubectl get -o yaml, `kind: List` included) and prints the diff.
import { join } from 'node:path';
import { DriftguardError } from '../../core/errors.ts';
import { diffObjects } from '../../core/diff/index.ts';
import type { DiffResult, ResourceDiff } from '../../core/diff/types.ts';
import { displayKey, parseApiVersion, type KubeObject } from '../../core/model/object.ts';
import { loadManifestPath } from '../../render/load-directory.ts';
import { EXIT, stringOpt, type Command } from '../command.ts';
import { locateLiveFiles } from '../locate-app.ts';
import { RENDER_OPTIONS, renderFromArgs } from '../render-args.ts';
import { reportRenderErrors } from '../findings.ts';

const SYMBOL: Record<ResourceDiff['action'], string> = { create: '+', update: '~', delete: '-', none: '=' };
const C = { bold: '\x1b[1m', red: '\x1b[31m', green: '\x1b[32m', cyan: '\x1b[36m', yellow: '\x1b[33m', reset: '\x1b[0m' };

export function formatDiffText(result: DiffResult, color: boolean): string {
  const paint = (code: string, s: string) => (color ? `${code}${s}${C.reset}` : s);
  const out: string[] = [];
  for (const r of result.resources) {
    if (!r.modified) continue;
    const key = displayKey({ group: r.group, kind: r.kind, namespace: r.namespace, name: r.name });
    const where = r.source ? `  (${r.source.file}:${r.source.line})` : '';
    const headColor = r.action === 'create' ? C.green : r.action === 'delete' ? C.red : C.yellow;
    out.push(paint(C.bold + headColor, `${SYMBOL[r.action]} ${r.action} ${key}`) + where);
    for (const line of r.diff.replace(/\n$/, '').split('\n')) {
      if (!line) continue;
      if (line.startsWith('+++') || line.startsWith('---')) out.push(paint(C.bold, line));
      else if (line.startsWith('+')) out.push(paint(C.green, line));
      else if (line.startsWith('-')) out.push(paint(C.red, line));
      else if (line.startsWith('@@')) out.push(paint(C.cyan, line));
      else out.push(line);
    }
    out.push('');
  }
  const s = result.summary;
  const changed = s.create + s.update + s.delete;
  out.push(
    changed === 0
      ? `No differences (${s.total} resource${s.total === 1 ? '' : 's'} unchanged)`
      : `Summary: ${s.create} to create, ${s.update} to update, ${s.delete} to delete, ${s.none} unchanged (${s.total} resources)`,
  );
  return `${out.join('\n')}\n`;
}

/** Offline stand-in for discovery: custom kinds' scope from the CRDs among the objects. */
function scopeFromCrds(objects: KubeObject[]): (group: string, kind: string) => boolean | undefined {
  const scopes = new Map<string, boolean>();
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition' || !o.apiVersion?.startsWith('apiextensions.k8s.io/')) continue;
    const spec = o.spec as { group?: string; scope?: string; names?: { kind?: string } } | undefined;
    if (spec?.group && spec.names?.kind) scopes.set(`${spec.group}/${spec.names.kind}`, spec.scope !== 'Cluster');
  }
  return (group, kind) => scopes.get(`${group}/${kind}`);
}

/**
 * Offline, the live objects decide a kind's scope (a CRD in the render may be wrong or absent): a live
 * object without a namespace makes its kind cluster-scoped, one with a namespace namespaced.
 */
function scopeFromLive(live: KubeObject[], fallback: (group: string, kind: string) => boolean | undefined): (group: string, kind: string) => boolean | undefined {
  const scopes = new Map<string, boolean>();
  for (const o of live) {
    const { group } = parseApiVersion(o.apiVersion ?? '');
    scopes.set(`${group}/${o.kind}`, !!o.metadata?.namespace);
  }
  return (group, kind) => scopes.get(`${group}/${kind}`) ?? fallback(group, kind);
}

export const diffCommand: Command = {
  name: 'diff',
  summary: 'Diff an app path against saved live objects (--live) or a cluster (--context)',
  usage: 'diff <desired-path> --live <file-or-dir> [--output text|json] [--namespace ns] [--app name] [--exit-code]',
  options: {
    live: { type: 'string', short: 'l', valueName: 'file-or-dir', description: 'saved live objects: kubectl get -o yaml/json output, files or a directory' },
    context: { type: 'string', valueName: 'ctx', description: 'diff against a live cluster (kubeconfig context) instead of --live' },
    kubeconfig: { type: 'string', valueName: 'file', description: 'kubeconfig for --context (default: $KUBECONFIG or ~/.kube/config)' },
    namespaced: { type: 'boolean', description: 'with --context: access limited to the app namespace (namespaced RBAC); list/watch only there' },
    output: { type: 'string', short: 'o', valueName: 'format', choices: ['text', 'json'], default: 'text', description: 'output format' },
    app: { type: 'string', valueName: 'name', description: 'app name: only live objects owned by this app (driftguard.dev/app label + tracking id) that are no longer rendered show as deletes; without it, objects owned by any app do' },
    'exit-code': { type: 'boolean', description: 'exit with 3 when there are differences (like git diff --exit-code)' },
    ...RENDER_OPTIONS,
  },
  positionals: { min: 1, max: 1 },
  details: `
The desired side is rendered exactly as \`driftguard render\` does. Server-populated fields,
defaults, quantities written differently (1000m vs 1) and similar noise are not differences;
fields removed from Git are, when the live object records that they were applied.
Secret values are masked.

Text output: per changed resource a header ("~ update Deployment.apps shop/api (file:line)") and a
unified diff of the YAML (--- live / +++ desired; colored on a terminal unless NO_COLOR is set),
then a summary line. JSON output is the DiffResult:
  {"resources": [{"group", "version", "kind", "namespace", "name", "action", "modified",
                  "patch", "diff", "source"?}],
   "summary": {"create", "update", "delete", "none", "total"}}

Check errors in the desired objects (schema errors, error-severity rules; see \`driftguard validate\`)
are printed on stderr, one per line at file:line; they do not change the exit code.

Exit code: 0 whether or not there are differences; with --exit-code, 3 when there are.

Examples:
  kubectl get deploy,svc,cm -n shop-prod -o yaml > /tmp/live.yaml
  driftguard diff deploy/api/overlays/prod --live /tmp/live.yaml
  driftguard diff charts/web --live live/ -n web --app web -o json`,
  async run({ values, positionals, io, color }) {
    const livePath = stringOpt(values, 'live');
    if (!livePath && stringOpt(values, 'context')) {
      const { runLiveClusterDiff } = await import('../../sync/cli-support.ts');
      const rendered = await renderFromArgs(positionals[0]!, values, io);
      await reportRenderErrors(rendered.objects, stringOpt(values, 'namespace'), io);
      const result = await runLiveClusterDiff(rendered.objects, positionals[0]!, values, io);
      if (values.output === 'json') io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else io.stdout.write(formatDiffText(result, color) + result.errors.map((e) => `error: ${e.kind} ${e.namespace ? `${e.namespace}/` : ''}${e.name}: ${e.message}\n`).join(''));
      const changed = result.summary.create + result.summary.update + result.summary.delete;
      return result.errors.length ? EXIT.FAILED : values['exit-code'] && changed > 0 ? EXIT.DIFFERENCES : EXIT.OK;
    }
    if (!livePath) throw new DriftguardError('USAGE', 'diff needs --live <file-or-dir> with the saved live objects');
    const rendered = await renderFromArgs(positionals[0]!, values, io);
    await reportRenderErrors(rendered.objects, stringOpt(values, 'namespace'), io);
    const liveLoc = locateLiveFiles(livePath, io.cwd);
    const live = loadManifestPath(liveLoc.root, join(liveLoc.root, liveLoc.path), { skipToolInputs: false }).map((so) => so.object);
    const app = stringOpt(values, 'app');
    const namespace = stringOpt(values, 'namespace');
    const isNamespaced = scopeFromLive(live, scopeFromCrds([...rendered.objects.map((so) => so.object), ...live]));
    for (const so of rendered.objects) {
      const { group } = parseApiVersion(so.object.apiVersion ?? '');
      if (so.object.metadata?.namespace && isNamespaced(group, so.object.kind) === false) {
        const where = so.source ? ` (${so.source.file}:${so.source.line})` : '';
        io.stderr.write(`warning: ${so.object.kind} ${so.object.metadata.name ?? ''} is cluster-scoped (live object); its namespace "${so.object.metadata.namespace}" in the desired copy is ignored${where}\n`);
      }
    }
    const result = diffObjects(rendered.objects, live, {
      ...(app ? { appName: app } : {}),
      ...(namespace ? { defaultNamespace: namespace } : {}),
      isNamespaced,
    });
    if (values.output === 'json') io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else io.stdout.write(formatDiffText(result, color));
    const changed = result.summary.create + result.summary.update + result.summary.delete;
    return values['exit-code'] && changed > 0 ? EXIT.DIFFERENCES : EXIT.OK;
  },
};
