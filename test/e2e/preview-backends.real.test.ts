// Preview environments end to end on the real kube-apiserver, controllers and stand-in kubelet (cases:
// preview-cases.ts). Not registered only where scripts/run-tests.js found no Go.
import { realBackend, realBackendEnabled } from '../support/cluster-backend.ts';
import { previewE2eTests } from './preview-cases.ts';

if (realBackendEnabled()) previewE2eTests(realBackend);
