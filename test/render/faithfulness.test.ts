// Faithfulness: for every app-like directory among the fixtures (our own and the vendored public
// repos), renderApp must give exactly what the real tool gives, object for object and in order:
//   Kustomize → `kubectl kustomize <dir>`; Helm → `helm template <chart> <dir> --namespace default
//   --include-crds` (what Argo CD runs); plain → each file as kubectl reads it.
// The tool's text is parsed by kubectl itself (`kubectl annotate --local -f - -o json`, no cluster),
// so YAML 1.1 booleans/octals, block scalars with `---`, null and empty documents, anchors and merge
// keys are judged by kubectl's decoder, not ours. When the tool fails, renderApp must fail too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderApp, isHelmHook, detectSourceType } from '../../src/render/render.ts';
import { listManifestFiles } from '../../src/render/load-directory.ts';
import { runTool } from '../../src/render/run-tool.ts';
import { findTool } from '../../src/render/tools.ts';
import type { KubeObject } from '../../src/core/model/object.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const ROOTS = [join(FIXTURES, 'render'), join(FIXTURES, 'public-repos')];
const kubectl = findTool('kubectl');
const helm = findTool('helm');

/** Apps we refuse on purpose although the tool would render them (never for a difference in output). */
const REFUSED: Record<string, RegExp> = {
  'render/kustomize/escape': /outside the repository root/, // reads a file outside the repository
};

interface App {
  root: string;
  path: string;
  type: 'plain' | 'kustomize' | 'helm';
}

/** Every kustomization, every top-level chart, and every plain directory that holds manifests. */
function findApps(root: string): App[] {
  const apps: App[] = [];
  const walk = (dir: string) => {
    const type = detectSourceType(dir);
    const path = relative(root, dir) || '.';
    if (type === 'helm') return void apps.push({ root, path, type }); // subcharts are part of it
    if (type === 'kustomize') apps.push({ root, path, type });
    const entries = readdirSync(dir, { withFileTypes: true }).filter((e) => !e.name.startsWith('.'));
    if (type === 'plain' && entries.some((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name) && !/^(values.*\.ya?ml|values\.schema\.json|README.*)$/.test(e.name))) {
      apps.push({ root, path, type });
    }
    for (const e of entries) if (e.isDirectory()) walk(join(dir, e.name));
  };
  walk(root);
  return apps;
}

/** kubectl's own reading of a YAML stream: the objects it would send, in order. */
async function kubectlParse(text: string, name: string): Promise<KubeObject[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'dg-faithful-'));
  try {
    const f = join(tmp, `${name.replace(/[^\w.-]+/g, '_')}.yaml`);
    writeFileSync(f, text);
    try {
      const { stdout } = await runTool(kubectl, ['annotate', '--local', '-f', f, '-o', 'json', 'driftguard.dev/faithfulness-'], { cwd: tmp, label: 'kubectl annotate --local' });
      return splitJsonStream(stdout).flatMap((parsed) => (parsed.kind === 'List' && Array.isArray(parsed.items) ? parsed.items : [parsed]));
    } catch (e) {
      if (/no objects passed/.test((e as Error).message)) return [];
      throw e;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** kubectl prints one JSON document per object, back to back. */
function splitJsonStream(text: string): Array<KubeObject & { items?: KubeObject[] }> {
  const out: Array<KubeObject & { items?: KubeObject[] }> = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
  }
  assert.equal(depth, 0, 'unbalanced JSON from kubectl');
  return out;
}

/** `kubectl annotate` adds `annotations: {}` when removing from an object that had none. */
function undoAnnotateArtifact(ref: KubeObject, ours: KubeObject | undefined): KubeObject {
  const a = ref.metadata?.annotations;
  if (a && Object.keys(a).length === 0 && ours?.metadata?.annotations === undefined) delete ref.metadata.annotations;
  return ref;
}

async function referenceRender(app: App): Promise<KubeObject[] | Error> {
  const dir = join(app.root, app.path);
  try {
    if (app.type === 'kustomize') {
      const { stdout } = await runTool(kubectl, ['kustomize', dir], { cwd: dir, label: 'kubectl kustomize' });
      return await kubectlParse(stdout, app.path);
    }
    if (app.type === 'helm') {
      const chart = /^name:\s*["']?([\w.-]+)/m.exec(readFileSync(join(dir, 'Chart.yaml'), 'utf8'))![1]!;
      const { stdout } = await runTool(helm, ['template', chart, dir, '--namespace', 'default', '--include-crds'], { cwd: dir, label: 'helm template' });
      return await kubectlParse(stdout, app.path);
    }
    const out: KubeObject[] = [];
    for (const f of listManifestFiles(app.root, dir)) {
      if (!statSync(f).isFile()) continue;
      // JSON and YAML files alike: kubectl reads both with the same decoder.
      out.push(...(await kubectlParse(readFileSync(f, 'utf8'), relative(app.root, f))));
    }
    return out;
  } catch (e) {
    return e as Error;
  }
}

const apps = ROOTS.flatMap(findApps);

test('the fixture walk finds the apps it should (a guard against a walk that finds nothing)', () => {
  const ids = apps.map((a) => `${relative(FIXTURES, a.root)}/${a.path}:${a.type}`);
  for (const want of [
    'render/plain/apps:plain', 'render/scalars/plain:plain', 'render/scalars/kustomize:kustomize', 'render/scalars/helm:helm',
    'render/helm/demo:helm', 'render/helm/hooks:helm', 'render/helm/locked:helm', 'render/helm/capabilities:helm',
    'render/kustomize/overlays/prod:kustomize', 'render/kustomize/features/overlay:kustomize',
    'public-repos/argoproj-argocd-example-apps/helm-guestbook:helm', 'public-repos/argoproj-argocd-example-apps/kustomize-guestbook:kustomize',
    'public-repos/argoproj-argocd-example-apps/sync-waves:plain', 'public-repos/stefanprodan-podinfo/kustomize:kustomize',
    'public-repos/kubernetes-sigs-kustomize/examples/helloWorld/overlays/dev:kustomize',
  ]) assert.ok(ids.includes(want), `${want} not found among ${ids.join(', ')}`);
});

for (const app of apps) {
  const id = `${relative(FIXTURES, app.root)}/${app.path}`;
  test(`faithful: ${id} (${app.type})`, async () => {
    const reference = await referenceRender(app);
    let ours: Awaited<ReturnType<typeof renderApp>> | Error;
    try {
      ours = await renderApp({ root: app.root, path: app.path, type: app.type });
    } catch (e) {
      ours = e as Error;
    }
    if (reference instanceof Error) {
      assert.ok(ours instanceof Error, `the tool failed (${reference.message}) but renderApp succeeded`);
      return;
    }
    if (ours instanceof Error) {
      const why = REFUSED[id];
      assert.ok(why, `renderApp failed where the tool succeeded: ${ours.message}`);
      assert.match(ours.message, why);
      return;
    }
    const refObjects = reference.filter((o) => !isHelmHook(o));
    const refHooks = reference.filter((o) => isHelmHook(o));
    const mine = ours.objects.map((so) => so.object);
    const mineHooks = ours.hooks.map((so) => so.object);
    assert.equal(mine.length, refObjects.length, `objects: ${mine.map((o) => o.metadata.name).join(',')} vs ${refObjects.map((o) => o.metadata.name).join(',')}`);
    refObjects.forEach((r, i) => assert.deepEqual(mine[i], undoAnnotateArtifact(r, mine[i]), `object ${i} (${r.kind}/${r.metadata?.name})`));
    assert.equal(mineHooks.length, refHooks.length);
    refHooks.forEach((r, i) => assert.deepEqual(mineHooks[i], undoAnnotateArtifact(r, mineHooks[i]), `hook ${i}`));
  });
}

test('the scalar edge cases mean what kubectl says they mean (spot checks of the comparison above)', async () => {
  const root = join(FIXTURES, 'render');
  const plain = await renderApp({ root, path: 'scalars/plain' });
  const kust = await renderApp({ root, path: 'scalars/kustomize' });
  const dep = (objs: typeof plain.objects) => objs.find((so) => so.object.kind === 'Deployment')!.object as any;
  // kubectl apply -f: YAML 1.1 — `off`/`no`/`Yes` are booleans, 010 octal, 0x3 hex, 1_200 an int.
  assert.deepEqual(
    [dep(plain.objects).spec.paused, dep(plain.objects).spec.template.spec.enableServiceLinks, dep(plain.objects).spec.revisionHistoryLimit, dep(plain.objects).spec.replicas, dep(plain.objects).spec.progressDeadlineSeconds],
    [false, false, 8, 3, 1200],
  );
  // kustomize re-emits through kyaml (YAML 1.2): the same source becomes the strings "off"/"no" —
  // what Argo CD would apply for a Kustomization, so that is what we must produce too.
  assert.deepEqual([dep(kust.objects).spec.paused, dep(kust.objects).spec.template.spec.enableServiceLinks], ['off', 'no']);
  const cm = plain.objects.find((so) => so.object.kind === 'ConfigMap')!.object as any;
  assert.equal(cm.data.multi, 'first line\n---\nafter a separator inside a block scalar\n# not a comment\n');
  assert.equal(cm.data['keep-trailing'], 'kept\n\n');
  assert.equal(cm.data['quoted-yes'], 'yes');
  assert.equal(dep(plain.objects).spec.template.spec.volumes[0].configMap.defaultMode, 420);
  assert.ok(existsSync(join(root, 'scalars/plain/edge.yaml')));
});
