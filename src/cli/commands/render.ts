// `driftguard render <path>`: prints what an app path renders to, each object with its source.
import { EXIT, stringOpt, type Command } from '../command.ts';
import { maskSecret } from '../mask-secrets.ts';
import { RENDER_OPTIONS, renderFromArgs } from '../render-args.ts';
import { toYaml } from '../yaml-output.ts';
import { reportRenderErrors } from '../findings.ts';
import { classifyHook } from '../../core/hooks/index.ts';
import type { KubeObject } from '../../core/model/object.ts';

/** "PreSync", "Sync,SyncFail", "none" for a hook no sync runs; undefined for a plain object. */
function hookLabel(obj: KubeObject): string | undefined {
  const c = classifyHook(obj);
  if (c.kind === 'hook') return c.hook.phases.join(',');
  if (c.kind === 'ignored') return 'none';
  if (c.kind === 'invalid') return `invalid (${c.message})`;
  return undefined;
}

export const renderCommand: Command = {
  name: 'render',
  summary: 'Render a plain directory, Kustomization or Helm chart and print the objects',
  usage: 'render <path> [--output yaml|json] [--namespace ns] [--values file]... [--set key=value]...',
  options: {
    output: { type: 'string', short: 'o', valueName: 'format', choices: ['yaml', 'json'], default: 'yaml', description: 'output format' },
    ...RENDER_OPTIONS,
  },
  positionals: { min: 1, max: 1 },
  details: `
<path> is auto-detected: a kustomization.yaml makes it a Kustomization (kubectl kustomize), a
Chart.yaml a Helm chart (helm template --include-crds), anything else a plain directory of
*.yaml/*.yml/*.json read recursively. Rendering never uses the network: remote bases and
unvendored chart dependencies are refused.

YAML output is a stream of documents, each preceded by "# Source: <file>:<line>" (paths relative
to the repository root). JSON output is an array of {"source": {"file", "line"}, "object": {...}}.
Secret data/stringData values are printed as <masked>.

Sync hooks (driftguard.dev/hook, and Helm's helm.sh/hook: pre-install/pre-upgrade run as PreSync,
post-install/post-upgrade as PostSync) are not desired objects: a sync runs them in their phase. They
are printed after the other objects with a "# hook: PreSync" comment (YAML) or a "hook" field (JSON);
Helm tests and other events no sync runs are marked "# hook: none". --include-hooks is accepted for
compatibility. Helm's .Capabilities default to helm's
built-in ones; --kube-version and --api-versions set them as a cluster would (diff/sync --context
use the cluster's).

Check errors in what was rendered (schema errors, error-severity rules; see \`driftguard validate\`)
are printed on stderr, one per line at file:line; the exit code does not change.

Examples:
  driftguard render deploy/api/overlays/prod
  driftguard render charts/web -f charts/web/values-prod.yaml --set image.tag=1.2.3 -n web -o json
  driftguard render charts/web --kube-version 1.34 --api-versions policy/v1/PodDisruptionBudget,monitoring.coreos.com/v1`,
  async run({ values, positionals, io }) {
    const rendered = await renderFromArgs(positionals[0]!, values, io);
    await reportRenderErrors(rendered.objects, stringOpt(values, 'namespace'), io);
    // Hooks are printed too, marked with the phase(s) a sync runs them in ("none" for a Helm test).
    const items = [...rendered.objects, ...rendered.hooks].map((so) => {
      const hook = hookLabel(so.object);
      return { source: so.source, ...(hook ? { hook } : {}), object: maskSecret(so.object) };
    });
    if (values.output === 'json') {
      io.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
    } else {
      const docs = items.map(({ source, hook, object }) => {
        const where = source ? `# Source: ${source.file}:${source.line}\n` : '';
        return `---\n${where}${hook ? `# hook: ${hook}\n` : ''}${toYaml(object)}`;
      });
      io.stdout.write(docs.join(''));
    }
    return EXIT.OK;
  },
};
