// Kustomize features Argo CD users rely on, and the allow-listed build options, with the real kubectl.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { renderApp } from '../../src/render/render.ts';
import { buildOptionArgs } from '../../src/render/kustomize.ts';
import { parseRepoConfig } from '../../src/core/config/index.ts';
import { DriftguardError } from '../../src/core/errors.ts';
import type { SourcedObject } from '../../src/core/model/object.ts';

const root = fileURLToPath(new URL('../fixtures/render/', import.meta.url));
const find = (objs: SourcedObject[], kind: string, prefix = '') =>
  objs.find((so) => so.object.kind === kind && so.object.metadata.name!.startsWith(prefix))!;

test('components, replacements, images, namePrefix in references, disableNameSuffixHash, commonLabels on selectors', async () => {
  const r = await renderApp({ root, path: 'kustomize/features/overlay' });
  const dep = find(r.objects, 'Deployment').object as any;
  const pod = dep.spec.template.spec;
  assert.equal(dep.metadata.name, 'prod-web');
  assert.equal(pod.containers[0].image, 'registry.example.com/mirror/nginx:1.27.3'); // images
  assert.equal(pod.serviceAccountName, 'prod-web'); // namePrefix follows the reference
  assert.equal(pod.volumes[0].configMap.name, 'prod-web-files'); // no hash suffix
  assert.match(pod.containers[0].envFrom[0].configMapRef.name, /^prod-app-env-[a-z0-9]{10}$/);
  assert.equal(pod.containers[0].env[0].value, 'prod-web'); // replacement from the Service's name
  assert.deepEqual(dep.spec.selector.matchLabels, { app: 'web', team: 'payments' }); // commonLabels reach selectors
  assert.deepEqual((find(r.objects, 'Service').object as any).spec.selector, { app: 'web', team: 'payments' });
  assert.equal(dep.metadata.annotations['prometheus.io/scrape'], 'true'); // component patch
  const sm = find(r.objects, 'ServiceMonitor');
  assert.deepEqual(sm.source, { file: 'kustomize/features/components/monitoring/servicemonitor.yaml', line: 1 });
  const env = find(r.objects, 'ConfigMap', 'prod-app-env').object as any;
  assert.deepEqual(env.data, { FEATURE_X: 'on', LOG_LEVEL: 'info', RETRIES: '010' }); // strings, not YAML 1.1 bool/octal
  const files = find(r.objects, 'ConfigMap', 'prod-web-files').object as any;
  assert.match(files.data['nginx.conf'], /# --- not a YAML document separator/);
  assert.equal(files.metadata.labels.generated, 'yes');
});

test('load restrictor: files outside the kustomization dir need LoadRestrictionsNone, and still stay in the repository', async () => {
  await assert.rejects(renderApp({ root, path: 'kustomize/load-none/app' }), /is not in or below/);
  const r = await renderApp({ root, path: 'kustomize/load-none/app', kustomize: { buildOptions: ['--load-restrictor LoadRestrictionsNone'] } });
  assert.deepEqual(r.objects.map((so) => `${so.object.kind}/${so.object.metadata.namespace}/${so.object.metadata.name}`), ['LimitRange/team-a/defaults']);
  assert.deepEqual(r.objects[0]!.source, { file: 'kustomize/shared/limits.yaml', line: 1 });
  await assert.rejects(
    renderApp({ root, path: 'kustomize/escape', kustomize: { buildOptions: ['--load-restrictor=LoadRestrictionsNone'] } }),
    /outside the repository root/,
  );
});

test('build options are allow-listed: anything that runs code or reaches out is refused before kubectl runs', async (t) => {
  const ok: Array<[string[], string[], boolean]> = [
    [[], [], false],
    [['--enable-helm'], ['--enable-helm'], true],
    [['--load-restrictor LoadRestrictionsNone'], ['--load-restrictor', 'LoadRestrictionsNone'], false],
    [['--load-restrictor=LoadRestrictionsNone', '--enable-helm'], ['--load-restrictor', 'LoadRestrictionsNone', '--enable-helm'], true],
    [['--enable-helm --load-restrictor LoadRestrictionsNone'], ['--enable-helm', '--load-restrictor', 'LoadRestrictionsNone'], true], // Argo CD's one-string form
  ];
  for (const [input, args, enableHelm] of ok) {
    await t.test(input.join(' ') || '(none)', () => assert.deepEqual(buildOptionArgs(input), { args, enableHelm }));
  }
  for (const bad of ['--enable-alpha-plugins', '--enable-exec', '--network', '--mount type=bind,src=/,dst=/host', '--helm-command /bin/sh', '--load-restrictor LoadRestrictionsAll', '-o /tmp/x']) {
    await t.test(`refused: ${bad}`, () =>
      assert.rejects(
        renderApp({ root, path: 'kustomize/base', kustomize: { buildOptions: [bad] }, tools: { env: { DRIFTGUARD_KUBECTL: '/nonexistent/kubectl' } } }),
        (e: unknown) => e instanceof DriftguardError && e.code === 'USAGE' && /not allowed|must be LoadRestrictionsNone/.test(e.message),
      ));
  }
  await t.test('kustomize options on a Helm source are a usage error', () =>
    assert.rejects(renderApp({ root, path: 'helm/demo', kustomize: { buildOptions: ['--enable-helm'] } }), /not a Kustomization/));
});

test('--enable-helm: kustomize refuses helm 4, so without a helm 3 the error says what to install', () =>
  assert.rejects(renderApp({ root, path: 'kustomize/helm-local', kustomize: { buildOptions: ['--enable-helm'] } }), (e: unknown) => {
    assert.ok(e instanceof DriftguardError);
    assert.equal(e.code, 'TOOL_MISSING');
    assert.match(e.message, /kustomize --enable-helm needs helm 3: kustomize refuses helm v4\.\d+\.\d+.*DRIFTGUARD_KUSTOMIZE_HELM/);
    return true;
  }));

test('repo config: kustomize.buildOptions is validated against the allow-list, at the offending entry', () => {
  const text = (opts: string) => `apps:\n  - name: web\n    path: deploy/web\n    cluster: prod\n    namespace: web\n    kustomize:\n      buildOptions:\n${opts}`;
  const cfg = parseRepoConfig('.github/driftguard.yml', text('        - --enable-helm\n        - --load-restrictor LoadRestrictionsNone\n'));
  assert.deepEqual(cfg.apps[0]!.kustomize, { buildOptions: ['--enable-helm', '--load-restrictor LoadRestrictionsNone'] });
  assert.throws(() => parseRepoConfig('.github/driftguard.yml', text('        - --enable-helm\n        - --enable-alpha-plugins\n')), (e: unknown) => {
    assert.ok(e instanceof DriftguardError);
    assert.equal(e.code, 'CONFIG_INVALID');
    assert.equal(e.location?.line, 9);
    assert.match(e.message, /buildOptions\/?\[?1\]?/);
    return true;
  });
});
