// `npm run worker`: consumes plan, push, sync and command jobs. Run as many as you like, anywhere,
// sharing one Redis; an app is never synced by two of them at once (per-app lease).
import { startWorkers } from './start.ts';
import { onShutdown } from '../src/process/on-shutdown.ts';

const w = await startWorkers().catch((e: Error) => {
  console.error(`driftguard worker: ${String(e)}`); // DriftguardError prints file:line: message
  process.exit(1);
});
// Closing lets running jobs finish first.
onShutdown(() => w.close(), (msg) => w.deps.log.info(`${msg}; finishing running jobs`));
