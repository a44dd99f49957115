// Every live object in test/fixtures/health/*.yaml carries its expected health in an annotation;
// this runs the whole table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ASSESSED_KINDS, assessHealth, type HealthStatus } from '../../src/core/health/index.ts';
import { parseApiVersion, type KubeObject } from '../../src/core/model/object.ts';

const dir = join(import.meta.dirname, '..', 'fixtures', 'health');
const EXPECT = 'expect.driftguard.dev/health';
const EXPECT_MSG = 'expect.driftguard.dev/message';

const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

test('fixtures exist', () => {
  assert.ok(files.length >= 5);
});

const all = files.map((file) => ({ file, docs: parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => d.toJS() as KubeObject) }));

// The custom kinds with a rule of their own (issue 14), and the statuses their projects can put them
// in: the fixtures must show each one, so a rule cannot lose a verdict unnoticed.
const CUSTOM_KINDS: Record<string, HealthStatus[]> = {
  'argoproj.io/Rollout': ['Healthy', 'Progressing', 'Degraded', 'Suspended'],
  'argoproj.io/AnalysisRun': ['Healthy', 'Progressing', 'Degraded', 'Unknown'],
  'argoproj.io/Experiment': ['Healthy', 'Progressing', 'Degraded'],
  'cert-manager.io/Certificate': ['Healthy', 'Progressing', 'Degraded'],
  'cert-manager.io/Issuer': ['Healthy', 'Progressing', 'Degraded'],
  'cert-manager.io/ClusterIssuer': ['Healthy', 'Degraded'],
  'cert-manager.io/CertificateRequest': ['Healthy', 'Progressing', 'Degraded'],
  'external-secrets.io/ExternalSecret': ['Healthy', 'Progressing', 'Degraded'],
  'external-secrets.io/ClusterExternalSecret': ['Healthy', 'Progressing', 'Degraded'],
  'external-secrets.io/SecretStore': ['Progressing', 'Degraded'],
  'external-secrets.io/ClusterSecretStore': ['Healthy'],
  'external-secrets.io/PushSecret': ['Healthy', 'Progressing', 'Degraded'],
  's3.aws.upbound.io/Bucket': ['Healthy', 'Degraded'],
  'rds.aws.upbound.io/Instance': ['Progressing', 'Degraded'],
  'ec2.aws.upbound.io/VPC': ['Suspended'],
  'database.gcp.crossplane.io/CloudSQLInstance': ['Degraded'],
  'pkg.crossplane.io/Provider': ['Healthy', 'Progressing', 'Degraded'],
  'pkg.crossplane.io/Configuration': ['Healthy', 'Degraded'],
  'pkg.crossplane.io/Function': ['Degraded'],
  'apiextensions.crossplane.io/Composition': ['Healthy'],
  'keda.sh/ScaledObject': ['Healthy', 'Progressing', 'Degraded', 'Suspended'],
  'keda.sh/ScaledJob': ['Healthy', 'Progressing', 'Degraded', 'Suspended'],
  'kustomize.toolkit.fluxcd.io/Kustomization': ['Healthy', 'Progressing', 'Degraded', 'Suspended'],
  'helm.toolkit.fluxcd.io/HelmRelease': ['Healthy', 'Progressing', 'Degraded', 'Suspended'],
  'source.toolkit.fluxcd.io/GitRepository': ['Healthy', 'Progressing', 'Degraded', 'Suspended'],
  'source.toolkit.fluxcd.io/HelmRepository': ['Healthy', 'Degraded'],
  'source.toolkit.fluxcd.io/OCIRepository': ['Healthy', 'Progressing'],
  'source.toolkit.fluxcd.io/HelmChart': ['Healthy', 'Degraded'],
  'source.toolkit.fluxcd.io/Bucket': ['Healthy', 'Degraded', 'Suspended'],
  'bitnami.com/SealedSecret': ['Healthy', 'Progressing', 'Degraded'],
  'monitoring.coreos.com/Prometheus': ['Healthy', 'Progressing', 'Degraded', 'Suspended'],
  'monitoring.coreos.com/Alertmanager': ['Healthy', 'Progressing', 'Degraded', 'Suspended'],
};

test('every custom kind with a rule has a fixture for each status its project can give it', () => {
  const seen = new Map<string, Set<string>>();
  for (const { docs } of all) {
    for (const o of docs) {
      const k = `${parseApiVersion(o.apiVersion).group}/${o.kind}`;
      const set = seen.get(k) ?? new Set<string>();
      set.add(o.metadata.annotations?.[EXPECT] ?? '');
      seen.set(k, set);
    }
  }
  for (const [kind, statuses] of Object.entries(CUSTOM_KINDS)) {
    // Crossplane managed resources are matched by provider group, every other kind by name.
    if (!/\.(crossplane|upbound)\.io\//.test(kind) || kind.startsWith('pkg.') || kind.startsWith('apiextensions.')) {
      assert.ok(ASSESSED_KINDS.includes(kind), `${kind} has no rule of its own`);
    }
    for (const s of statuses) assert.ok(seen.get(kind)?.has(s), `no ${s} fixture for ${kind}`);
  }
});

for (const { file, docs } of all) {
  for (const obj of docs) {
    const want = obj.metadata.annotations?.[EXPECT];
    const wantMsg = obj.metadata.annotations?.[EXPECT_MSG];
    test(`${file}: ${obj.apiVersion} ${obj.kind} ${obj.metadata.name} is ${want}`, () => {
      assert.ok(want, 'fixture lacks the expected-health annotation');
      const got = assessHealth(obj);
      assert.ok(got, 'expected a health result');
      assert.equal(got.status, want, `message: ${got.message}`);
      if (wantMsg) assert.ok(got.message.includes(wantMsg), `message ${JSON.stringify(got.message)} lacks ${JSON.stringify(wantMsg)}`);
    });
  }
}
