// `npm start`: the web process. Receives webhooks, enqueues jobs, nothing else.
import { startWeb } from './start.ts';
import { onShutdown } from '../process/on-shutdown.ts';

const web = await startWeb().catch((e: Error) => {
  console.error(`driftguard web: ${e.message}`);
  process.exit(1);
});
onShutdown(() => web.close(), (msg) => web.probot.log.info(msg));
