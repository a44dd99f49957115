// `npm start`: the web process. Receives webhooks, enqueues jobs, nothing else.
import { startWeb } from './start.ts';

const web = await startWeb().catch((e: Error) => {
  console.error(`driftguard web: ${e.message}`);
  process.exit(1);
});

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    web.probot.log.info(`${sig}: shutting down`);
    web.close().then(() => process.exit(0), () => process.exit(1));
  });
}
