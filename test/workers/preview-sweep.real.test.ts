// The preview sweeper on the real kube-apiserver (cases: preview-sweep-cases.ts). Not registered only
// where scripts/run-tests.js found no Go.
import { realBackend, realBackendEnabled } from '../support/cluster-backend.ts';
import { previewSweepTests } from './preview-sweep-cases.ts';

if (realBackendEnabled()) previewSweepTests(realBackend);
