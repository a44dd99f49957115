// Preview environments end to end on the Kubernetes API emulator (cases: preview-cases.ts).
import { emulatorBackend } from '../support/cluster-backend.ts';
import { previewE2eTests } from './preview-cases.ts';

previewE2eTests(emulatorBackend);
