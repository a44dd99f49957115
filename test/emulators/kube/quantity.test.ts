import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalQuantity, canonicalizeQuantities } from '../../../emulators/kube/quantity.ts';

test('quantities print in Kubernetes canonical form', () => {
  const cases: Array<[string | number, string]> = [
    ['1000m', '1'], ['0.5', '500m'], ['1024Mi', '1Gi'], ['1536Mi', '1536Mi'], ['1500', '1500'], ['1000', '1k'],
    ['100m', '100m'], ['1.5', '1500m'], ['0.1', '100m'], ['2048', '2048'], ['1Ki', '1Ki'], ['512Ki', '512Ki'],
    ['1e3', '1e3'], ['12e6', '12e6'], ['0', '0'], ['1n', '1n'], ['0.0000000001', '1n'], ['2000Mi', '2000Mi'],
    [1, '1'], [0.25, '250m'], ['1Gi', '1Gi'], ['1048576Ki', '1Gi'], ['0.5Gi', '512Mi'], ['1.5Ki', '1536'],
    ['-1000m', '-1'], ['+2', '2'], ['not-a-quantity', 'not-a-quantity'],
  ];
  for (const [input, want] of cases) assert.equal(canonicalQuantity(input), want, `canonical(${input})`);
});

test('quantities are canonicalized where built-in kinds carry them', () => {
  const pod = {
    metadata: { name: 'x', annotations: { requests: '1000m' } },
    spec: {
      containers: [{ name: 'a', resources: { requests: { cpu: '1000m', memory: '1024Mi' }, limits: { cpu: 0.5 } } }],
      volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '1024Mi' } }],
    },
  };
  canonicalizeQuantities(pod);
  assert.deepEqual(pod.spec.containers[0]!.resources, { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '500m' } });
  assert.equal(pod.spec.volumes[0]!.emptyDir.sizeLimit, '1Gi');
  assert.deepEqual(pod.metadata.annotations, { requests: '1000m' }, 'metadata is left alone');
});
