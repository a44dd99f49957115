// Symlinks inside the repository are followed as on a clone; links out of it are refused at the
// link's path, with the kustomization line that reads it (the CLI renders clones as they are).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderApp } from '../../src/render/render.ts';
import { DriftguardError } from '../../src/core/errors.ts';
import { writeTree } from '../support/write-tree.ts';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const repo = (files: Record<string, string>, links: Record<string, string>) => {
  const root = mkdtempSync(join(tmpdir(), 'driftguard-links-'));
  dirs.push(root);
  return writeTree(root, files, links);
};
const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

test('in-repo links are followed: a plain manifest, a kustomize base through a linked folder, a helm values file', async () => {
  const root = repo(
    { 'shared/svc.yaml': cm('shared'), 'base/cm.yaml': cm('base'), 'base/kustomization.yaml': 'resources: [cm.yaml]\n', 'chart/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n', 'chart/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n', 'env/real.yaml': 'name: from-linked-values\n', 'k/kustomization.yaml': 'resources: [../linked-base]\n' },
    { 'plain/svc.yaml': '../shared/svc.yaml', 'linked-base': 'base', 'env/prod.yaml': 'real.yaml' },
  );
  assert.deepEqual((await renderApp({ root, path: 'plain' })).objects.map((o) => o.object.metadata.name), ['shared']);
  assert.deepEqual((await renderApp({ root, path: 'k' })).objects.map((o) => o.object.metadata.name), ['base']);
  assert.deepEqual((await renderApp({ root, path: 'chart', helm: { valueFiles: ['../env/prod.yaml'] } })).objects.map((o) => o.object.metadata.name), ['from-linked-values']);
});

test('links out of the repository, outside the app folder: refused at the link, naming who reads it', async () => {
  const root = repo(
    { 'k/kustomization.yaml': 'resources:\n  - cm.yaml\n  - ../shared/outside.yaml\n', 'k/cm.yaml': cm('a'), 'chart/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n' },
    { 'shared/outside.yaml': '/etc/hostname', 'env/prod.yaml': '/etc/hostname' },
  );
  await assert.rejects(renderApp({ root, path: 'k' }), (e: unknown) => {
    assert.ok(e instanceof DriftguardError);
    assert.match(e.message, /symlink points outside the repository root \(shared\/outside\.yaml is read by the kustomization at k\/kustomization\.yaml:3\)/);
    assert.deepEqual(e.location, { file: 'shared/outside.yaml', line: 1 });
    assert.deepEqual(e.related, [{ file: 'k/kustomization.yaml', line: 3 }]);
    return true;
  });
  await assert.rejects(renderApp({ root, path: 'chart', helm: { valueFiles: ['../env/prod.yaml'] } }), (e: unknown) => {
    assert.ok(e instanceof DriftguardError);
    assert.match(e.message, /symlink points outside the repository root \(values file \.\.\/env\/prod\.yaml\)/);
    assert.deepEqual(e.location, { file: 'env/prod.yaml', line: 1 });
    return true;
  });
});
