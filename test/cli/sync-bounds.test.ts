// `driftguard sync --project`: the operator project's bounds in the CLI, against the Kubernetes emulator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCli } from './support.ts';
import { startTestCluster, cm, deploy, ns } from '../sync/emulator-cluster.ts';
import type { KubeObject } from '../../src/core/model/object.ts';
import type { SyncResult } from '../../src/sync/types.ts';

const OPERATOR = `clusters: [{name: dev}, {name: prod}]
projects:
  - name: dev
    repos: ["acme/*"]
    destinations: [{cluster: dev, namespaces: ["shop"]}]
  - name: wide
    repos: ["acme/*"]
    destinations: [{cluster: dev, namespaces: ["*"]}, {cluster: prod, namespaces: ["*"]}]
    allowedClusterKinds: [{group: rbac.authorization.k8s.io, kind: "*"}]
`;

const crb: KubeObject = {
  apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'shop-admin' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
  subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'shop' }],
};

test('driftguard sync --project: outside the bounds nothing is written (exit 1, each object named); inside it syncs', async (s) => {
  const t = await startTestCluster({ rollout: { readyDelayMs: 10 } });
  try {
    t.emu.putObject(ns('shop'));
    const root = join(t.dir, 'repo');
    const dir = join(root, 'apps', 'shop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(root, 'operator.yml'), OPERATOR);
    const write = (objects: KubeObject[]) => writeFileSync(join(dir, 'app.yaml'), objects.map((o) => stringify(o)).join('---\n'));
    const env = { PATH: process.env.PATH, KUBECONFIG: t.kubeconfig, DRIFTGUARD_CONFIG: join(root, 'operator.yml') };
    const run = (args: string[]) => runCli(['sync', 'apps/shop', '--context', t.context, '-n', 'shop', '--prune', ...args], { cwd: root, env });

    await s.test('refused before any write', async () => {
      write([deploy('api', 'shop', 'nginx:1.27', 1), cm('sneaky', 'kube-system', { a: 'b' }), crb]);
      t.emu.counters.reset();
      const r = await run(['--project', 'dev']);
      assert.equal(r.code, 1, r.stderr + r.stdout);
      assert.match(r.stdout, /failed\s+none\s+ConfigMap kube-system\/sneaky — outside the bounds: namespace "kube-system" is not a destination of the project \(allowed on cluster "dev": shop\) \(project "dev", rule destinations\) \(apps\/shop\/app\.yaml:\d+\)/);
      assert.match(r.stdout, /failed\s+none\s+ClusterRoleBinding\.rbac\.authorization\.k8s\.io shop-admin — outside the bounds: cluster-scoped kind .* \(project "dev", rule allowedClusterKinds\)/);
      assert.match(r.stdout, /skipped\s+none\s+Deployment\.apps shop\/api/);
      assert.match(r.stdout, /^Failed: 2 resource\(s\) outside the bounds of project "dev"; nothing was written/m);
      assert.equal(t.emu.counters.writes(), 0, JSON.stringify(t.emu.counters.snapshot()));
    });

    await s.test('a wider project (its only cluster chosen by --cluster) lets the same app through', async () => {
      const r = await run(['--project', 'wide', '--cluster', 'dev', '--operator-config', 'operator.yml', '-o', 'json']);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.equal((JSON.parse(r.stdout) as SyncResult).counts.applied, 3);
      assert.ok(t.emu.getObject('v1', 'ConfigMap', 'kube-system', 'sneaky'));
    });

    await s.test('under the narrow project the objects outside it are kept, not pruned', async () => {
      write([deploy('api', 'shop', 'nginx:1.27', 1)]);
      const r = await run(['--project', 'dev', '-o', 'json']);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const res = JSON.parse(r.stdout) as SyncResult;
      assert.deepEqual(res.resources.filter((x) => x.outcome === 'skipped').map((x) => `${x.kind} ${x.name}`).sort(), ['ClusterRoleBinding shop-admin', 'ConfigMap sneaky']);
      assert.ok(t.emu.getObject('v1', 'ConfigMap', 'kube-system', 'sneaky'));
      assert.ok(t.emu.getObject('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', undefined, 'shop-admin'));
    });

    await s.test('usage errors', async () => {
      const cases: Array<[string[], RegExp, NodeJS.ProcessEnv?]> = [
        [['--project', 'nope'], /no project "nope" in .*operator\.yml \(known: dev, wide\)/],
        [['--project', 'wide'], /project "wide" deploys to clusters dev, prod; pass --cluster <name>/],
        [['--project', 'dev', '--cluster', 'prod'], /project "dev" has no destination on cluster "prod"/],
        [['--cluster', 'dev'], /--cluster needs --project/],
        [['--project', 'dev'], /--project needs the operator config/, { PATH: process.env.PATH, KUBECONFIG: t.kubeconfig }],
      ];
      for (const [args, message, e] of cases) {
        const r = await runCli(['sync', 'apps/shop', '--context', t.context, ...args], { cwd: root, env: e ?? env });
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, message);
      }
      rmSync(join(root, 'operator.yml'));
      const missing = await run(['--project', 'dev']);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /cannot read the operator config/);
    });
  } finally {
    await t.close();
  }
});
