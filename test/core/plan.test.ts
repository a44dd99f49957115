import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyGroups, planSync, type PlanInput } from '../../src/core/plan/index.ts';
import { withOwnership, SYNC_WAVE_ANNOTATION, SYNC_OPTIONS_ANNOTATION, APP_LABEL } from '../../src/core/ownership.ts';
import type { KubeObject } from '../../src/core/model/object.ts';
import type { ResourceDiff } from '../../src/core/diff/types.ts';
import { isDriftguardError } from '../../src/core/errors.ts';

const APP = 'shop';

function obj(apiVersion: string, kind: string, name: string, namespace?: string, annotations?: Record<string, string>, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}), ...(annotations ? { annotations } : {}) }, ...extra };
}
const owned = (o: KubeObject, app = APP) => withOwnership(o, app);
function diffOf(o: KubeObject, action: ResourceDiff['action']): ResourceDiff {
  const [g, v] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  return { group: g, version: v, kind: o.kind, namespace: o.metadata.namespace ?? '', name: o.metadata.name!, action, modified: action !== 'none', patch: [], diff: '' };
}
const names = (ts: { key: { kind: string; name: string } }[]) => ts.map((t) => `${t.key.kind}/${t.key.name}`);

const ns = owned(obj('v1', 'Namespace', 'shop'));
const cm = owned(obj('v1', 'ConfigMap', 'settings', 'shop'));
const dep = owned(obj('apps/v1', 'Deployment', 'api', 'shop'));
const svc = owned(obj('v1', 'Service', 'api', 'shop'));
const sa = owned(obj('v1', 'ServiceAccount', 'api', 'shop'));
const ing = owned(obj('networking.k8s.io/v1', 'Ingress', 'api', 'shop'));
const crd = owned(obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com', undefined, undefined, { spec: { group: 'example.com', names: { kind: 'Widget', plural: 'widgets' } } }));
const widget = owned(obj('example.com/v1', 'Widget', 'w1', 'shop'));
const migrate = owned(obj('batch/v1', 'Job', 'migrate', 'shop', { [SYNC_WAVE_ANNOTATION]: '-1' }));

const cases: Array<{ name: string; input: Omit<PlanInput, 'app'>; waves: string[][]; prunes?: string[]; unchanged?: string[]; orphans?: string[] }> = [
  {
    name: 'fresh app: kind order inside wave 0, namespace first, CR after its CRD',
    input: { desired: [ing, widget, dep, svc, cm, sa, crd, ns].map((object) => ({ object })), live: [], diffs: [], prune: true },
    waves: [['Namespace/shop', 'ServiceAccount/api', 'ConfigMap/settings', 'CustomResourceDefinition/widgets.example.com', 'Service/api', 'Deployment/api', 'Ingress/api', 'Widget/w1']],
  },
  {
    name: 'negative wave runs first; a wave annotation earlier than its namespace is lifted to the namespace wave',
    input: {
      desired: [dep, migrate, owned(obj('v1', 'Namespace', 'shop', undefined, { [SYNC_WAVE_ANNOTATION]: '-2' }))].map((object) => ({ object })),
      live: [], diffs: [], prune: false,
    },
    waves: [['Namespace/shop'], ['Job/migrate'], ['Deployment/api']],
  },
  {
    name: 'CR in an earlier wave than its CRD is lifted to the CRD wave',
    input: {
      desired: [owned(obj('example.com/v1', 'Widget', 'w1', 'shop', { [SYNC_WAVE_ANNOTATION]: '-5' })), owned({ ...crd, metadata: { ...crd.metadata, annotations: { ...crd.metadata.annotations, [SYNC_WAVE_ANNOTATION]: '2' } } })].map((object) => ({ object })),
      live: [], diffs: [], prune: false,
    },
    waves: [['CustomResourceDefinition/widgets.example.com', 'Widget/w1']],
  },
  {
    name: 'only modified objects are updated; in-sync ones are unchanged',
    input: { desired: [cm, dep].map((object) => ({ object })), live: [cm, dep], diffs: [diffOf(cm, 'none'), diffOf(dep, 'update')], prune: true },
    waves: [['Deployment/api']], unchanged: ['ConfigMap/settings'],
  },
  {
    name: 'in-sync app: no waves, nothing to prune',
    input: { desired: [cm, dep, svc].map((object) => ({ object })), live: [svc, dep, cm], diffs: [diffOf(cm, 'none'), diffOf(dep, 'none'), diffOf(svc, 'none')], prune: true },
    waves: [], unchanged: ['ConfigMap/settings', 'Service/api', 'Deployment/api'],
  },
  {
    name: 'prunes only owned, undesired objects, in reverse apply order',
    input: {
      desired: [ns, dep, svc].map((object) => ({ object })),
      live: [ns, dep, svc, cm, ing,
        obj('v1', 'ConfigMap', 'kube-root-ca.crt', 'shop'), // unowned
        owned(obj('v1', 'ConfigMap', 'other', 'shop'), 'billing'), // another app's
        { ...cm, metadata: { ...cm.metadata, name: 'copy' } }, // copied labels/annotation: tracking id names another object
        owned(obj('v1', 'Secret', 'tls', 'shop'))],
      diffs: [diffOf(ns, 'none'), diffOf(dep, 'none'), diffOf(svc, 'none')], prune: true, allowMassPrune: true,
    },
    waves: [], unchanged: ['Namespace/shop', 'Service/api', 'Deployment/api'],
    prunes: ['Ingress/api', 'ConfigMap/settings', 'Secret/tls'],
  },
  {
    name: 'prune off: owned leftovers are orphans, not prunes',
    input: { desired: [dep, svc, sa].map((object) => ({ object })), live: [dep, svc, sa, cm], diffs: [], prune: false },
    waves: [['ServiceAccount/api', 'Service/api', 'Deployment/api']], prunes: [], orphans: ['ConfigMap/settings'],
  },
  {
    name: 'Prune=false keeps an object',
    input: {
      desired: [dep, svc, sa].map((object) => ({ object })),
      live: [dep, svc, sa, owned(obj('v1', 'ConfigMap', 'settings', 'shop', { [SYNC_OPTIONS_ANNOTATION]: 'Prune=false' })), owned(obj('v1', 'ConfigMap', 'old', 'shop'))],
      diffs: [diffOf(dep, 'none'), diffOf(svc, 'none'), diffOf(sa, 'none')], prune: true,
    },
    waves: [], unchanged: ['ServiceAccount/api', 'Service/api', 'Deployment/api'], prunes: ['ConfigMap/old'], orphans: ['ConfigMap/settings'],
  },
  {
    name: 'prune waves: later waves are pruned first, namespaces last',
    input: {
      desired: [],
      live: [ns, cm, owned(obj('batch/v1', 'Job', 'seed', 'shop', { [SYNC_WAVE_ANNOTATION]: '3' })), dep],
      diffs: [], prune: true, allowMassPrune: true,
    },
    waves: [], prunes: ['Job/seed', 'Deployment/api', 'ConfigMap/settings', 'Namespace/shop'],
  },
];

for (const c of cases) {
  test(`plan: ${c.name}`, () => {
    const plan = planSync({ app: APP, ...c.input });
    assert.deepEqual(plan.waves.map((w) => names(w.tasks)), c.waves);
    if (c.prunes) assert.deepEqual(names(plan.prunes), c.prunes);
    if (c.unchanged) assert.deepEqual(names(plan.unchanged), c.unchanged);
    if (c.orphans) assert.deepEqual(names(plan.orphans), c.orphans);
    for (const t of plan.prunes) assert.equal(t.object.metadata.labels?.[APP_LABEL], APP);
  });
}

test('plan: create vs update is decided by the live object', () => {
  const plan = planSync({ app: APP, desired: [{ object: cm }, { object: dep }], live: [dep], diffs: [diffOf(cm, 'create'), diffOf(dep, 'update')], prune: false });
  assert.deepEqual(plan.waves[0].tasks.map((t) => [t.key.kind, t.action]), [['ConfigMap', 'create'], ['Deployment', 'update']]);
  assert.equal(plan.counts.create, 1);
  assert.equal(plan.counts.update, 1);
});

test('plan: warns when taking over an object labelled for another app', () => {
  const theirs = owned(obj('v1', 'ConfigMap', 'settings', 'shop'), 'billing');
  const plan = planSync({ app: APP, desired: [{ object: cm }], live: [theirs], diffs: [diffOf(cm, 'update')], prune: false });
  assert.match(plan.waves[0].tasks[0].warning ?? '', /billing/);
});

const massCases = [
  { name: 'prune 3 of 4 owned is refused', owned: 4, keep: 1, allow: false, refused: true },
  { name: 'prune 2 of 4 owned (exactly half) is allowed', owned: 4, keep: 2, allow: false, refused: false },
  { name: 'prune 3 of 4 owned with allowMassPrune is allowed', owned: 4, keep: 1, allow: true, refused: false },
  { name: 'prune all of 1 owned is refused', owned: 1, keep: 0, allow: false, refused: true },
];
for (const c of massCases) {
  test(`plan: mass prune: ${c.name}`, () => {
    const live = Array.from({ length: c.owned }, (_, i) => owned(obj('v1', 'ConfigMap', `cm-${i}`, 'shop')));
    const desired = live.slice(0, c.keep).map((object) => ({ object }));
    const run = () => planSync({ app: APP, desired, live, diffs: desired.map((d) => diffOf(d.object, 'none')), prune: true, allowMassPrune: c.allow });
    if (c.refused) {
      assert.throws(run, (e: unknown) => isDriftguardError(e) && e.code === 'SYNC_REFUSED' && /--allow-mass-prune/.test(e.message));
    } else {
      assert.equal(run().prunes.length, c.owned - c.keep);
    }
  });
}

test('plan: mass-prune check does not apply when prune is off', () => {
  const plan = planSync({ app: APP, desired: [], live: [cm, dep], diffs: [], prune: false });
  assert.equal(plan.orphans.length, 2);
});

test('applyGroups: consecutive tasks of the same kind form one group', () => {
  const plan = planSync({ app: APP, desired: [cm, owned(obj('v1', 'ConfigMap', 'b', 'shop')), dep, svc].map((object) => ({ object })), live: [], diffs: [], prune: false });
  assert.deepEqual(applyGroups(plan.waves[0].tasks).map((g) => g.map((t) => t.key.name)), [['b', 'settings'], ['api'], ['api']]);
});
