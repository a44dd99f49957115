// `npm run worker`: consumes plan, push, sync and command jobs. Run as many as you like, anywhere,
// sharing one Redis; an app is never synced by two of them at once (per-app lease).
import { startWorkers } from './start.ts';

const w = await startWorkers().catch((e: Error) => {
  console.error(`driftguard worker: ${String(e)}`); // DriftguardError prints file:line: message
  process.exit(1);
});

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    w.deps.log.info(`${sig}: finishing running jobs, then exiting`);
    w.close().then(() => process.exit(0), () => process.exit(1));
  });
}
