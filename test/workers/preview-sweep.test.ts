// The preview sweeper on the Kubernetes API emulator (cases: preview-sweep-cases.ts).
import { emulatorBackend } from '../support/cluster-backend.ts';
import { previewSweepTests } from './preview-sweep-cases.ts';

previewSweepTests(emulatorBackend);
