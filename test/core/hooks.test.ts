// Sync hooks, pure: which objects are hooks (Driftguard's annotation, Helm's mapped as Argo CD maps it),
// their waves and delete policies; and how the PR plan lists the hooks a merge would run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyHook, listHooks } from '../../src/core/hooks/index.ts';
import type { KubeObject } from '../../src/core/model/object.ts';
import { renderCheckRun, renderPrComment } from '../../src/core/report/index.ts';
import type { AppReport } from '../../src/core/report/types.ts';
import { diffObjects } from '../../src/core/diff/index.ts';

const cm = (v: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { v } });

const job = (name: string, annotations: Record<string, string>): KubeObject => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: 'shop', annotations } });

test('classifyHook: Driftguard phases, Helm events mapped, weights as waves, delete policies, invalid values', () => {
  const cases: Array<[Record<string, string>, unknown]> = [
    [{}, { kind: 'resource' }],
    [{ 'driftguard.dev/hook': 'PreSync' }, { kind: 'hook', hook: { phases: ['PreSync'], wave: 0, deletePolicies: ['BeforeHookCreation'] } }],
    [{ 'driftguard.dev/hook': 'Sync, SyncFail', 'driftguard.dev/sync-wave': '2', 'driftguard.dev/hook-delete-policy': 'HookSucceeded,HookFailed' },
      { kind: 'hook', hook: { phases: ['Sync', 'SyncFail'], wave: 2, deletePolicies: ['HookSucceeded', 'HookFailed'] } }],
    [{ 'helm.sh/hook': 'pre-install,pre-upgrade', 'helm.sh/hook-weight': '-5', 'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded' },
      { kind: 'hook', hook: { phases: ['PreSync'], wave: -5, deletePolicies: ['BeforeHookCreation', 'HookSucceeded'] } }],
    [{ 'helm.sh/hook': 'post-install,post-upgrade' }, { kind: 'hook', hook: { phases: ['PostSync'], wave: 0, deletePolicies: ['BeforeHookCreation'] } }],
    [{ 'helm.sh/hook': 'test' }, { kind: 'ignored', reason: 'Helm hook "test" is not run by a sync' }],
    [{ 'helm.sh/hook': 'pre-delete' }, { kind: 'ignored', reason: 'Helm hook "pre-delete" is not run by a sync' }],
    [{ 'helm.sh/hook': 'crd-install' }, { kind: 'resource' }],
    // Driftguard's annotation wins over Helm's.
    [{ 'driftguard.dev/hook': 'PostSync', 'helm.sh/hook': 'pre-install' }, { kind: 'hook', hook: { phases: ['PostSync'], wave: 0, deletePolicies: ['BeforeHookCreation'] } }],
    [{ 'driftguard.dev/hook': 'PreSnyc' }, { kind: 'invalid', message: 'driftguard.dev/hook: "PreSnyc" is not a hook phase (one of PreSync, Sync, PostSync, SyncFail)' }],
    [{ 'driftguard.dev/hook': 'PreSync', 'driftguard.dev/hook-delete-policy': 'Always' }, { kind: 'invalid', message: 'hook delete policy "Always" is not one of BeforeHookCreation, HookSucceeded, HookFailed' }],
  ];
  for (const [annotations, want] of cases) assert.deepEqual(classifyHook(job('j', annotations)), want, JSON.stringify(annotations));
});

test('the PR plan lists the hooks a merge would run, in run order, in the comment and the check run', () => {
  const hooks = listHooks([
    { object: job('notify', { 'driftguard.dev/hook': 'PostSync' }), source: { file: 'deploy/hooks.yaml', line: 1 } },
    { object: job('migrate', { 'helm.sh/hook': 'pre-upgrade', 'helm.sh/hook-weight': '-1' }), source: { file: 'charts/shop/templates/migrate.yaml', line: 1 } },
    { object: job('smoke', { 'helm.sh/hook': 'test' }) },
    { object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' } } },
  ]);
  assert.deepEqual(hooks.map((h) => `${h.phase}:${h.wave}:${h.object.metadata.name}`), ['PreSync:-1:migrate', 'PostSync:0:notify']);
  const report: AppReport = {
    app: 'shop', cluster: 'prod', namespace: 'shop', errors: [],
    changes: diffObjects([{ object: cm('2') }], [cm('1')], { defaultNamespace: 'shop' }),
    drift: diffObjects([], [], { defaultNamespace: 'shop' }),
    hooks: hooks.map((h) => ({ phase: h.phase, wave: h.wave, kind: h.object.kind, namespace: 'shop', name: h.object.metadata.name!, ...(h.source ? { source: h.source } : {}) })),
  };
  const md = renderPrComment({ headSha: 'abcdef1', reports: [report] });
  assert.match(md, /- \*\*Hooks\*\* shop: a sync of this change runs PreSync Job `shop\/migrate` \(wave -1\), PostSync Job `shop\/notify`\n/);
  const run = renderCheckRun(report, { headSha: 'abcdef1' });
  assert.match(run.summary, /### Sync hooks\n\n.*\n\n- PreSync Job `shop\/migrate` \(wave -1\) — `charts\/shop\/templates\/migrate.yaml:1`\n- PostSync Job `shop\/notify` — `deploy\/hooks.yaml:1`/);
});
