// Drift settings of both configs: driftDetection per app (defaults from automated), the repo's drift
// labels/assignees, the operator's scan interval, self-heal grace and debounce, each error at file:line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOperatorConfig, parseRepoConfig } from '../../src/core/config/index.ts';
import { DriftguardError } from '../../src/core/errors.ts';

const F = '.github/driftguard.yml';
const app = (name: string, extra: string) => `  - name: ${name}\n    path: deploy/${name}\n    cluster: production\n    namespace: ${name}\n${extra}`;

test('repo config: driftDetection defaults to automated, can be turned on or off; drift labels and assignees', () => {
  const c = parseRepoConfig(F, `drift:\n  labels: [drift, ops]\n  assignees: [octocat]\napps:\n${app('a', '    syncPolicy: {automated: true, selfHeal: true}\n')}${app('b', '')}${app('c', '    driftDetection: true\n')}${app('d', '    syncPolicy: {automated: true}\n    driftDetection: false\n')}`);
  assert.deepEqual(c.apps.map((a) => [a.name, a.driftDetection]), [['a', true], ['b', false], ['c', true], ['d', false]]);
  assert.deepEqual(c.drift, { labels: ['drift', 'ops'], assignees: ['octocat'] });
  assert.equal(parseRepoConfig(F, `apps:\n${app('a', '')}`).drift, undefined);
});

const badRepo: Array<{ name: string; text: string; line: number; message: RegExp }> = [
  { name: 'driftDetection not a boolean', text: `apps:\n${app('a', '    driftDetection: "yes"\n')}`, line: 6, message: /apps\[0\]\.driftDetection: must be boolean/ },
  { name: 'unknown drift key', text: `drift:\n  label: [x]\napps:\n${app('a', '')}`, line: 2, message: /drift: unknown field "label"/ },
  { name: 'assignee not a GitHub login', text: `drift:\n  assignees: ["not a login"]\napps:\n${app('a', '')}`, line: 2, message: /drift\.assignees\[0\]/ },
];
for (const c of badRepo) {
  test(`repo config rejected: ${c.name}`, () => {
    assert.throws(() => parseRepoConfig(F, c.text), (e: unknown) => {
      assert.ok(e instanceof DriftguardError);
      assert.equal(e.location?.file, F);
      assert.equal(e.location?.line, c.line, e.message);
      assert.match(e.message, c.message);
      return true;
    });
  });
}

const OP = 'clusters:\n  - {name: prod}\nprojects: []\n';

test('operator config: drift timing parsed, defaults for the keys not given', () => {
  assert.equal(parseOperatorConfig('op.yml', OP).drift, undefined);
  assert.deepEqual(parseOperatorConfig('op.yml', `${OP}drift:\n  interval: 90s\n`).drift, { intervalMs: 90_000, selfHealGraceMs: 5_000, debounceMs: 2_000 });
  assert.deepEqual(parseOperatorConfig('op.yml', `${OP}drift:\n  interval: 1h\n  selfHealGrace: 2s\n  debounce: 1s\n`).drift, { intervalMs: 3_600_000, selfHealGraceMs: 2_000, debounceMs: 1_000 });
});

const badOp: Array<{ name: string; text: string; line: number; message: RegExp }> = [
  { name: 'interval too short', text: `${OP}drift:\n  interval: 1s\n`, line: 5, message: /drift\.interval: "1s" must be a duration between 10s and 24h/ },
  { name: 'interval not a duration', text: `${OP}drift:\n  interval: soon\n`, line: 5, message: /drift\.interval/ },
  { name: 'grace too long', text: `${OP}drift:\n  selfHealGrace: 1h\n`, line: 5, message: /drift\.selfHealGrace: "1h" must be a duration between 1s and 5m/ },
  { name: 'unknown key', text: `${OP}drift:\n  every: 3m\n`, line: 5, message: /unknown field "every"/ },
];
for (const c of badOp) {
  test(`operator config rejected: ${c.name}`, () => {
    assert.throws(() => parseOperatorConfig('op.yml', c.text), (e: unknown) => {
      assert.ok(e instanceof DriftguardError);
      assert.equal(e.location?.line, c.line, e.message);
      assert.match(e.message, c.message);
      return true;
    });
  });
}
