// `driftguard validate`: findings at file:line, text and JSON output, exit codes (0 no errors,
// 1 errors, 2 usage); `render`/`diff` print check errors on stderr without changing their exit code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './support.ts';
import { EXIT } from '../../src/cli/command.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const P = 'test/fixtures/policy';
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

interface JsonOut {
  valid: boolean;
  summary: { errors: number; warnings: number; waived: number };
  schemas: string | null;
  unchecked: string[];
  findings: Array<{ rule: string; severity: string; message: string; path?: string; location?: { file: string; line: number; column?: number }; waiver?: string; resource: { kind: string; name: string } }>;
}

function tempApp(files: Record<string, string>): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'dg-validate-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('validate: the misindented ports and the missing selector at their lines; exit 1', async () => {
  const text = readFileSync(join(repo, P, 'misindented.yaml'), 'utf8');
  const r = await runCli(['validate', `${P}/misindented.yaml`], { cwd: repo });
  assert.equal(r.code, EXIT.FAILED, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.ok(lines.includes(`${P}/misindented.yaml:${lineOf(text, '      ports:')}:7: error [schema] Deployment.apps default/shop: \`ports\` is not a field of a pod spec (\`spec.template.spec\`); did you mean it under \`containers[0]\`?`), r.stdout);
  assert.ok(lines.includes(`${P}/misindented.yaml:${lineOf(text, 'spec:')}:1: error [schema] Deployment.apps default/shop: \`selector\` is required in a deployment spec (\`spec\`) but is missing`), r.stdout);
  // Errors come first, then warnings; the last line sums up.
  const firstWarning = lines.findIndex((l) => / warning \[/.test(l));
  assert.ok(lines.slice(0, firstWarning).every((l) => / error \[/.test(l)));
  assert.match(lines.at(-1)!, /^4 errors, 5 warnings \(schemas: bundled Kubernetes 1\.27\)$/);
});

test('validate: a hardened app passes (exit 0); warnings alone still exit 0', async () => {
  const ok = await runCli(['validate', `${P}/hardened.yaml`, '--output', 'json'], { cwd: repo });
  assert.equal(ok.code, EXIT.OK, ok.stdout);
  const j = JSON.parse(ok.stdout) as JsonOut;
  assert.deepEqual([j.valid, j.summary, j.schemas, j.findings], [true, { errors: 0, warnings: 0, waived: 0 }, 'bundled Kubernetes 1.27', []]);

  const app = tempApp({ 'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: x}\nspec:\n  containers: [{name: a, image: "nginx:1.27"}]\n' });
  try {
    const warn = await runCli(['validate', join(app.dir, 'pod.yaml'), '--root', app.dir, '-o', 'json'], { cwd: app.dir });
    assert.equal(warn.code, EXIT.OK);
    const w = JSON.parse(warn.stdout) as JsonOut;
    assert.equal(w.valid, true);
    assert.deepEqual(w.findings.map((f) => f.rule).sort(), ['network-policy', 'privilege-escalation', 'probes', 'resources', 'run-as-root']);
    assert.ok(w.findings.every((f) => f.severity === 'warning' && f.location?.file === 'pod.yaml'));
  } finally {
    app.done();
  }
});

test('validate --output json: findings with rule, path, location and waivers', async () => {
  const text = readFileSync(join(repo, P, 'risky.yaml'), 'utf8').replace('  namespace: ops\nspec:\n  type: NodePort', '  namespace: ops\n  annotations:\n    driftguard.dev/waive: "service-allow-list: metrics scraped by the node agent only"\nspec:\n  type: NodePort');
  const app = tempApp({ 'risky.yaml': text });
  try {
    const r = await runCli(['validate', app.dir, '--root', app.dir, '--output', 'json'], { cwd: app.dir });
    assert.equal(r.code, EXIT.FAILED);
    const j = JSON.parse(r.stdout) as JsonOut;
    assert.equal(j.valid, false);
    assert.deepEqual(j.summary, { errors: 5, warnings: 9, waived: 1 });
    const priv = j.findings.find((f) => f.rule === 'privileged')!;
    assert.deepEqual(priv.location, { file: 'risky.yaml', line: lineOf(text, 'privileged: true'), column: 13 });
    assert.equal(priv.path, 'spec.template.spec.containers[0].securityContext.privileged');
    const waived = j.findings.find((f) => f.waiver !== undefined)!;
    assert.deepEqual([waived.rule, waived.resource.name, waived.waiver, waived.location?.line], ['service-allow-list', 'agent-node', 'metrics scraped by the node agent only', lineOf(text, 'type: NodePort')]);
  } finally {
    app.done();
  }
});

test('validate: a YAML syntax error is a finding at file:line:col with the line quoted; JSON too', async () => {
  const app = tempApp({ 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   namespace: y\n' });
  try {
    const r = await runCli(['validate', app.dir, '--root', app.dir], { cwd: app.dir });
    assert.equal(r.code, EXIT.FAILED);
    const [first, quoted, caret] = r.stdout.split('\n');
    assert.match(first!, /^cm\.yaml:5:4: error \[yaml\] line 5 is indented more than `name` on line 4/);
    assert.equal(quoted, '  5 |    namespace: y');
    assert.equal(caret, '    |    ^');
    const j = JSON.parse((await runCli(['validate', app.dir, '--root', app.dir, '-o', 'json'], { cwd: app.dir })).stdout) as JsonOut;
    assert.deepEqual(j.findings.map((f) => [f.rule, f.location]), [['yaml', { file: 'cm.yaml', line: 5, column: 4 }]]);
  } finally {
    app.done();
  }
});

test('validate: usage errors exit 2 (no path; schemas of a version not bundled)', async () => {
  assert.equal((await runCli(['validate'], { cwd: repo })).code, EXIT.USAGE);
  const r = await runCli(['validate', `${P}/hardened.yaml`, '--kube-version', '1.30'], { cwd: repo });
  assert.equal(r.code, EXIT.USAGE);
  assert.match(r.stderr, /no bundled schemas for Kubernetes 1\.30: Driftguard bundles Kubernetes 1\.27/);
});

test('render and diff: check errors on stderr, stdout and exit code unchanged', async () => {
  const r = await runCli(['render', `${P}/misindented.yaml`, '-o', 'json'], { cwd: repo });
  assert.equal(r.code, EXIT.OK);
  assert.equal((JSON.parse(r.stdout) as unknown[]).length, 1);
  assert.match(r.stderr, /misindented\.yaml:18:7: error \[schema\] Deployment\.apps default\/shop: `ports` is not a field of a pod spec/);
  assert.match(r.stderr, /# 4 check errors: a sync would be refused/);
  assert.doesNotMatch(r.stderr, / warning \[/, "warnings are left to validate");
  const d = await runCli(['diff', `${P}/misindented.yaml`, '--live', `${P}/hardened.yaml`], { cwd: repo });
  assert.equal(d.code, EXIT.OK);
  assert.match(d.stderr, /error \[schema\].*`selector` is required/);
  assert.match(d.stdout, /create Deployment\.apps default\/shop/);
});
