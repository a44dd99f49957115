// The sync engine against the real kube-apiserver, etcd, kube-controller-manager and the stand-in kubelet
// (cases: sync-engine-cases.ts). Not registered only where scripts/run-tests.js found no Go.
import { realBackend, realBackendEnabled } from '../support/cluster-backend.ts';
import { syncEngineTests } from './sync-engine-cases.ts';

if (realBackendEnabled()) syncEngineTests(realBackend);
