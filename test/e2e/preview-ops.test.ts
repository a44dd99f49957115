// Preview operations end to end on the Kubernetes API emulator (cases: preview-ops-cases.ts).
import { emulatorBackend } from '../support/cluster-backend.ts';
import { previewOpsE2eTests } from './preview-ops-cases.ts';

previewOpsE2eTests(emulatorBackend);
