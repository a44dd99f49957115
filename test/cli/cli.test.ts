// The driftguard CLI in-process: commands, output formats, masking, help and exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { fileURLToPath } from 'node:url';
import { runCli } from './support.ts';
import { COMMANDS } from '../../src/cli/main.ts';
import { EXIT, type Command } from '../../src/cli/command.ts';

// The repo root (a git checkout) is the CLI's root, so paths print as test/fixtures/...
const repo = fileURLToPath(new URL('../../', import.meta.url));
const F = 'test/fixtures';

test('render: kustomize overlay as a YAML stream with # Source comments', async () => {
  const r = await runCli(['render', `${F}/render/kustomize/overlays/prod`], { cwd: repo });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
  assert.deepEqual(docs.map((d) => `${d.kind}/${d.metadata.name}`), [
    'ConfigMap/prod-api-settings-56gb47c595',
    'Service/prod-api',
    'Deployment/prod-api',
    'PodDisruptionBudget/prod-api',
  ]);
  const sources = [...r.stdout.matchAll(/^# Source: (.+)$/gm)].map((m) => m[1]);
  assert.deepEqual(sources, [
    `${F}/render/kustomize/overlays/prod/kustomization.yaml:18`,
    `${F}/render/kustomize/base/service.yaml:2`,
    `${F}/render/kustomize/base/deployment.yaml:1`,
    `${F}/render/kustomize/overlays/prod/pdb.yaml:1`,
  ]);
});

test('render: helm with -f (relative to cwd), --set, --namespace, --release; JSON output', async () => {
  const r = await runCli(
    ['render', 'helm/demo', '-f', 'helm/demo/values-prod.yaml', '--set', 'image.tag=9.9.9', '-n', 'web', '--release', 'shop', '-o', 'json'],
    { cwd: fileURLToPath(new URL(`../fixtures/render/`, import.meta.url)) },
  );
  assert.equal(r.code, 0, r.stderr);
  const items = JSON.parse(r.stdout) as Array<{ source: { file: string; line: number }; object: any }>;
  const dep = items.find((i) => i.object.kind === 'Deployment')!;
  assert.equal(dep.object.metadata.name, 'shop-demo');
  assert.equal(dep.object.spec.replicas, 3);
  assert.equal(dep.object.spec.template.spec.containers[0].image, 'ghcr.io/example/web:9.9.9');
  assert.deepEqual(dep.source, { file: `${F}/render/helm/demo/templates/deployment.yaml`, line: 2 });
  assert.equal(items.find((i) => i.object.metadata.name === 'shop-demo-release')!.object.data.namespace, 'web');
});

test('render: Secret values are masked in YAML and JSON', async () => {
  for (const output of ['yaml', 'json']) {
    const r = await runCli(['render', `${F}/cli/app`, '-o', output], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /s3cr3t/);
    assert.match(r.stdout, /password: <masked>|"password": "<masked>"/);
  }
});

test('diff: text output, summary, ownership-based deletes, masked Secret', async () => {
  const r = await runCli(['diff', `${F}/cli/app`, '--live', `${F}/cli/live/live.yaml`, '--app', 'shop'], { cwd: repo });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /\x1b\[/); // not a TTY: no color
  assert.match(r.stdout, /^~ update Deployment\.apps shop\/web {2}\(test\/fixtures\/cli\/app\/deployment\.yaml:1\)$/m);
  assert.match(r.stdout, /^-  replicas: 2\n\+  replicas: 3$/m);
  assert.match(r.stdout, /^\+ create CronJob\.batch shop\/cleanup/m);
  assert.match(r.stdout, /^- delete ConfigMap shop\/web-legacy$/m);
  assert.doesNotMatch(r.stdout, /Service shop\/web/); // defaults only: unchanged, not listed
  assert.doesNotMatch(r.stdout, /s3cr3t|czNjcjN0/);
  assert.match(r.stdout, /^Summary: 1 to create, 2 to update, 1 to delete, 1 unchanged \(5 resources\)\n$/m);
});

test('diff: colors only on a TTY without NO_COLOR', async (t) => {
  const args = ['diff', `${F}/cli/app`, '--live', `${F}/cli/live`];
  const cases = [
    { name: 'tty', isTTY: true, env: {}, colored: true },
    { name: 'tty + NO_COLOR', isTTY: true, env: { NO_COLOR: '1' }, colored: false },
    { name: 'pipe', isTTY: false, env: {}, colored: false },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const r = await runCli(args, { cwd: repo, isTTY: c.isTTY, env: { PATH: process.env.PATH, ...c.env } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(/\x1b\[32m\+  replicas: 3\x1b\[0m/.test(r.stdout), c.colored);
      assert.equal(r.stdout.includes('\x1b['), c.colored);
    });
  }
});

test('diff: JSON is exactly the DiffResult; --app scopes deletes; --exit-code', async () => {
  const base = ['diff', `${F}/cli/app`, '--live', `${F}/cli/live/live.yaml`, '-o', 'json'];
  const owned = await runCli([...base, '--app', 'shop'], { cwd: repo });
  assert.equal(owned.code, 0, owned.stderr);
  const res = JSON.parse(owned.stdout);
  assert.deepEqual(Object.keys(res).sort(), ['resources', 'summary']);
  assert.deepEqual(res.summary, { create: 1, update: 2, delete: 1, none: 1, total: 5 });
  const dep = res.resources.find((x: any) => x.kind === 'Deployment');
  assert.deepEqual(
    { group: dep.group, version: dep.version, namespace: dep.namespace, name: dep.name, action: dep.action, modified: dep.modified, patch: dep.patch },
    { group: 'apps', version: 'v1', namespace: 'shop', name: 'web', action: 'update', modified: true, patch: [{ op: 'replace', path: '/spec/replicas', value: 3 }] },
  );
  assert.match(dep.diff, /^--- live\n\+\+\+ desired\n/);
  assert.equal(dep.source.file, `${F}/cli/app/deployment.yaml`);
  assert.doesNotMatch(owned.stdout, /s3cr3t|czNjcjN0/);

  const other = await runCli([...base, '--app', 'billing'], { cwd: repo });
  assert.deepEqual(JSON.parse(other.stdout).summary, { create: 1, update: 2, delete: 0, none: 1, total: 4 });

  const exit = await runCli([...base, '--exit-code'], { cwd: repo });
  assert.equal(exit.code, EXIT.DIFFERENCES);
  const same = await runCli(['diff', `${F}/cli/live/live.yaml`, '--live', `${F}/cli/live/live.yaml`, '--exit-code'], { cwd: repo });
  assert.equal(same.code, 0, same.stderr);
  assert.equal(same.stdout, 'No differences (4 resources unchanged)\n');
});

test('health: per-object text and JSON with summary', async () => {
  const text = await runCli(['health', `${F}/cli/health`], { cwd: repo });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^Degraded {5}Pod shop\/worker-7f9c6b5d4-x2k8p: back-off 5m0s restarting failed container/m);
  assert.match(text.stdout, /^App health: Degraded \(5 objects: 3 Healthy, 1 Progressing, 1 Degraded\)$/m);

  const json = await runCli(['health', `${F}/cli/health`, '-o', 'json', '--exit-code'], { cwd: repo });
  assert.equal(json.code, EXIT.DIFFERENCES);
  const report = JSON.parse(json.stdout);
  assert.deepEqual(report.summary, { status: 'Degraded', total: 5, Healthy: 3, Suspended: 0, Progressing: 1, Missing: 0, Degraded: 1, Unknown: 0 });
  assert.deepEqual(
    report.resources.find((x: any) => x.kind === 'Deployment'),
    { group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web', status: 'Progressing', message: 'Waiting for rollout to finish: 1 out of 3 new replicas have been updated...' },
  );
  for (const r of report.resources) assert.deepEqual(Object.keys(r), ['group', 'kind', 'namespace', 'name', 'status', 'message']);
  const ok = await runCli(['health', `${F}/cli/health/healthy.yaml`, '--exit-code'], { cwd: repo });
  assert.equal(ok.code, 0, ok.stderr);
});

test('usage errors exit 2 with one line naming the help', async (t) => {
  const cases: Array<{ argv: string[]; err: RegExp }> = [
    { argv: [], err: /Usage: driftguard <command>/ },
    { argv: ['deploy'], err: /^driftguard: unknown command "deploy" \(run 'driftguard --help' for usage\)\n$/ },
    { argv: ['render'], err: /^driftguard: missing argument: render <path>/ },
    { argv: ['render', 'a', 'b'], err: /unexpected argument "b"/ },
    { argv: ['render', `${F}/cli/app`, '--output', 'xml'], err: /--output must be one of yaml, json \(got "xml"\) \(run 'driftguard render --help'/ },
    { argv: ['render', `${F}/cli/app`, '--frobnicate'], err: /Unknown option '--frobnicate'/ },
    { argv: ['diff', `${F}/cli/app`], err: /diff needs --live <file-or-dir>/ },
    { argv: ['render', `${F}/cli/app`, '--set', 'a=1'], err: /Helm values were given but .* is a plain source/ },
    { argv: ['render', `${F}/cli/app`, '--timeout', 'soon'], err: /--timeout must be a positive number/ },
  ];
  for (const c of cases) {
    await t.test(c.argv.join(' ') || '(none)', async () => {
      const r = await runCli(c.argv, { cwd: repo });
      assert.equal(r.code, EXIT.USAGE);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, c.err);
    });
  }
});

test('failed commands exit 1 with one line, file:line first', async (t) => {
  const cases: Array<{ argv: string[]; env?: NodeJS.ProcessEnv; err: RegExp }> = [
    { argv: ['render', 'no/such/dir'], err: /^driftguard: no\/such\/dir does not exist\n$/ },
    { argv: ['render', `${F}/cli/bomb`], err: /^driftguard: test\/fixtures\/cli\/bomb\/bomb\.yaml:1:1: document uses more than 100 YAML alias expansions .*refused\n$/ },
    { argv: ['render', `${F}/cli/dup`], err: /^driftguard: test\/fixtures\/cli\/dup\/b\.yaml:3:1: ConfigMap shop\/settings is defined twice: at test\/fixtures\/cli\/dup\/a\.yaml:1 and at test\/fixtures\/cli\/dup\/b\.yaml:3\n$/ },
    { argv: ['health', `${F}/render/kustomize/remote-github/kustomization.yaml`], err: /^driftguard: test\/fixtures\/render\/kustomize\/remote-github\/kustomization\.yaml:1:1: Kustomization object has no metadata\.name\n$/ },
    { argv: ['render', `${F}/render/kustomize/remote-github`], err: /^driftguard: test\/fixtures\/render\/kustomize\/remote-github\/kustomization\.yaml:5: remote resource "github\.com\/.*vendor it into the repository\n$/ },
    { argv: ['render', `${F}/render/helm/broken`], err: /^driftguard: test\/fixtures\/render\/helm\/broken\/templates\/secret\.yaml:6:15: helm template failed: .*dbPassword is required\n$/ },
    { argv: ['render', `${F}/render/helm/demo`], env: { PATH: '/nonexistent', DRIFTGUARD_HELM: '/nonexistent/helm' }, err: /^driftguard: helm not found: DRIFTGUARD_HELM=\/nonexistent\/helm is not an executable file/ },
  ];
  for (const c of cases) {
    await t.test(c.argv.join(' '), async () => {
      const r = await runCli(c.argv, { cwd: repo, env: c.env ?? { PATH: process.env.PATH } });
      assert.equal(r.code, EXIT.FAILED);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, c.err);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1);
    });
  }
});

test('help: program and every command; a new command is one table entry', async (t) => {
  const probe: Command = {
    name: 'probe',
    summary: 'test-only command that fails unexpectedly',
    usage: 'probe',
    options: { level: { type: 'string', valueName: 'n', description: 'how deep' } },
    positionals: { min: 0, max: 0 },
    async run() {
      throw new TypeError('boom');
    },
  };
  COMMANDS.push(probe);
  t.after(() => void COMMANDS.splice(COMMANDS.indexOf(probe), 1));

  const top = await runCli(['--help']);
  assert.equal(top.code, 0);
  for (const name of ['render', 'diff', 'health', 'probe']) assert.match(top.stdout, new RegExp(`^  ${name} +\\S`, 'm'));
  for (const c of COMMANDS) {
    const h = await runCli([c.name, '--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, new RegExp(`^Usage: driftguard ${c.name}`));
    for (const opt of Object.keys(c.options)) assert.match(h.stdout, new RegExp(`--${opt}\\b`));
  }
  assert.match((await runCli(['help', 'diff'])).stdout, /--exit-code/);

  const plain = await runCli(['probe']);
  assert.equal(plain.code, EXIT.FAILED);
  assert.equal(plain.stderr, 'driftguard: unexpected error: boom (run with --debug for the stack trace)\n');
  const debug = await runCli(['probe', '--debug']);
  assert.match(debug.stderr, /^driftguard: unexpected error: boom\nTypeError: boom\n {4}at /);
});
