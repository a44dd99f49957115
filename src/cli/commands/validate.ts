// `driftguard validate <path>`: render like `render`, then check every object: its schema (the
// cluster's /openapi/v3 with --context, else bundled), the misconfiguration rules at their default
// severities, and waivers. A fixed verb other tools call with `--output json`.
import { isDriftguardError } from '../../core/errors.ts';
import { keyOf } from '../../core/model/object.ts';
import { countFindings, type Finding } from '../../core/policy/types.ts';
import type { AppChecks } from '../../core/report/checks.ts';
import { checkApp } from '../../sync/check-app.ts';
import { BUNDLED_KUBE_VERSION } from '../../kube/validation-schemas.ts';
import { EXIT, stringOpt, type Command } from '../command.ts';
import { checksJson, formatChecksText } from '../findings.ts';
import { RENDER_OPTIONS, renderFromArgs } from '../render-args.ts';

/** Errors that mean "these manifests are broken" (reported as findings), not "the command could not run". */
const MANIFEST_ERRORS = new Set(['YAML_SYNTAX', 'YAML_LIMIT', 'MANIFEST_INVALID', 'DUPLICATE_OBJECT', 'RENDER_FAILED']);

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check an app path: schemas, misconfigurations and waivers, each at file:line',
  usage: 'validate <path> [--output text|json] [--namespace ns] [--kube-version v] [--context ctx]',
  options: {
    output: { type: 'string', short: 'o', valueName: 'format', choices: ['text', 'json'], default: 'text', description: 'output format' },
    context: { type: 'string', valueName: 'ctx', description: 'validate against this cluster (kubeconfig context): its /openapi/v3 schemas, CRDs and NetworkPolicies' },
    kubeconfig: { type: 'string', valueName: 'file', description: 'kubeconfig for --context (default: $KUBECONFIG or ~/.kube/config)' },
    ...RENDER_OPTIONS,
    'kube-version': { type: 'string', valueName: 'version', description: `Kubernetes version of the bundled schemas when there is no --context (bundled: ${BUNDLED_KUBE_VERSION}); also Helm's .Capabilities.KubeVersion` },
  },
  positionals: { min: 1, max: 1 },
  details: `
<path> is rendered exactly as \`driftguard render\` does (plain YAML, Kustomize or Helm). Then:
  - schema: every object against the OpenAPI v3 schema of its apiVersion/kind: the cluster's own
    (/openapi/v3) with --context, else the schemas bundled for Kubernetes ${BUNDLED_KUBE_VERSION}; custom
    resources against their CRD's openAPIV3Schema when the CRD is rendered too (or installed, with
    --context). Unknown fields, wrong types, missing required fields, values outside an enum.
  - the misconfiguration rules at their default severities (see the README's rule table);
  - waivers: the annotation driftguard.dev/waive, one "<rule-id>: <reason>" per line.
YAML and render errors are reported as findings too (rule "yaml" or "render").

Text output: one line per finding, "file:line:col: error|warning|waived [rule] Kind ns/name: message",
then a summary line. JSON output:
  {"valid": bool, "summary": {"errors", "warnings", "waived"}, "schemas": "cluster"|"bundled Kubernetes ${BUNDLED_KUBE_VERSION}"|null,
   "unchecked": ["apiVersion Kind", ...], "notes": [{"message", "location"?}],
   "findings": [{"rule", "severity", "message", "resource": {"group", "kind", "namespace", "name"},
                 "path"?, "location"?: {"file", "line", "column"?}, "waiver"?}]}

Exit code: 0 no errors (warnings and waivers may be printed), 1 errors found (or the path could not
be rendered), 2 usage error.

Examples:
  driftguard validate deploy/web
  driftguard validate charts/web -f charts/web/values-prod.yaml -n web --output json
  driftguard validate deploy/web --context prod -n web`,
  async run({ values, positionals, io }) {
    const namespace = stringOpt(values, 'namespace') ?? 'default';
    let checks: AppChecks;
    let excerpt = '';
    try {
      const rendered = await renderFromArgs(positionals[0]!, values, io);
      const context = stringOpt(values, 'context');
      // Imported only with --context: the cluster client is most of a cold start.
      const cluster = context ? (await import('../../sync/cli-support.ts')).connectCluster({ context, kubeconfig: stringOpt(values, 'kubeconfig'), env: io.env }) : undefined;
      try {
        const kubeVersion = stringOpt(values, 'kube-version');
        checks = await checkApp({ objects: rendered.objects, namespace, ...(cluster ? { http: cluster.http } : {}), ...(kubeVersion && !cluster ? { kubeVersion } : {}) });
      } finally {
        await cluster?.close();
      }
    } catch (e) {
      if (!isDriftguardError(e) || !MANIFEST_ERRORS.has(e.code)) throw e;
      const finding: Finding = {
        rule: e.code.startsWith('YAML') ? 'yaml' : 'render', severity: 'error', message: e.message,
        resource: keyOf({ apiVersion: '', kind: '', metadata: {} }),
        ...(e.location ? { location: e.location } : {}),
      };
      checks = { result: { findings: [finding], counts: countFindings([finding]), unchecked: [] }, notes: [] };
      if (typeof e.details?.excerpt === 'string') excerpt = `${e.details.excerpt}\n`;
    }
    if (values.output === 'json') io.stdout.write(`${JSON.stringify(checksJson(checks), null, 2)}\n`);
    else {
      // The quoted line of a YAML error goes right under its finding.
      const text = formatChecksText(checks);
      const nl = text.indexOf('\n') + 1;
      io.stdout.write(text.slice(0, nl) + excerpt + text.slice(nl));
    }
    return checks.result.counts.errors > 0 ? EXIT.FAILED : EXIT.OK;
  },
};
