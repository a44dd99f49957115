// What a fresh kind-like cluster contains: system namespaces, one node, the `kubernetes` Service and
// a default StorageClass (the DefaultStorageClass admission plugin then fills PVC storageClassName).
import type { KubeApi } from './api.ts';

export const NODE_NAME = 'driftguard-control-plane';

export function seedCluster(api: KubeApi): void {
  const def = (group: string, kind: string) => api.registry.byKind(group, kind)!;
  const m = { manager: 'kube-apiserver' };
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    api.create(def('', 'Namespace'), '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, m);
  }
  api.create(def('', 'Node'), '', {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name: NODE_NAME, labels: { 'kubernetes.io/hostname': NODE_NAME, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'node-role.kubernetes.io/control-plane': '' } },
    spec: { podCIDR: '10.244.0.0/24' },
  }, m);
  const node = api.store.get(def('', 'Node'), '', NODE_NAME)!;
  api.writeStatus(def('', 'Node'), node, {
    capacity: { cpu: '8', memory: '16Gi', pods: '110' }, allocatable: { cpu: '8', memory: '16Gi', pods: '110' },
    conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
    addresses: [{ type: 'InternalIP', address: '172.18.0.2' }, { type: 'Hostname', address: NODE_NAME }],
    nodeInfo: { kubeletVersion: 'v1.34.5', containerRuntimeVersion: 'containerd://2.1.0', operatingSystem: 'linux', architecture: 'amd64', osImage: 'Driftguard emulator', kernelVersion: '6.0.0', kubeProxyVersion: '', machineID: '', systemUUID: '', bootID: '' },
  }, 'kubelet');
  api.create(def('', 'Service'), 'default', {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
  }, m);
  api.create(def('storage.k8s.io', 'StorageClass'), '', {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
    metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'rancher.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate',
  }, m);
}
