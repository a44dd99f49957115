// The sync engine against the Kubernetes API emulator over real HTTP (cases: sync-engine-cases.ts).
import { emulatorBackend } from '../support/cluster-backend.ts';
import { syncEngineTests } from './sync-engine-cases.ts';

syncEngineTests(emulatorBackend);
