// Preview operations end to end on the real kube-apiserver (cases: preview-ops-cases.ts). Not registered
// only where scripts/run-tests.js found no Go.
import { realBackend, realBackendEnabled } from '../support/cluster-backend.ts';
import { previewOpsE2eTests } from './preview-ops-cases.ts';

if (realBackendEnabled()) previewOpsE2eTests(realBackend);
