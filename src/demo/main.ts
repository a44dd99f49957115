// `npm run demo [-- --once]`: the whole flow on embedded defaults. Ctrl-C stops everything.
import { createInterface } from 'node:readline';
import { startDemo } from './run-demo.ts';
import * as show from './print.ts';

const once = process.argv.includes('--once');
const demo = await startDemo().catch((e: Error) => {
  console.error(`driftguard demo: ${e.message}`);
  process.exit(1);
});

let stopping = false;
const stop = async (code = 0) => {
  if (stopping) return;
  stopping = true;
  await demo.close();
  process.exit(code);
};
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

if (once) {
  await stop(0);
} else {
  console.log(show.heading('Your turn'));
  console.log(show.step(`The cluster is yours: export KUBECONFIG=${demo.kubeconfig}`));
  console.log(show.step('Change it by hand, e.g.  kubectl -n api set image deployment/api api=ghcr.io/example/api:9.9'));
  console.log(show.step(`Then press Enter: Driftguard re-plans open PR #${demo.openPr} (as if someone commented "/driftguard diff")`));
  console.log(show.step('and its comment shows the drift that merging would overwrite. Ctrl-C stops everything.'));
  const rl = createInterface({ input: process.stdin });
  rl.on('line', () => {
    demo.replan().then(
      (body) => console.log(show.comment(`PR #${demo.openPr} comment (re-planned)`, body)),
      (e: Error) => console.error(`re-plan failed: ${e.message}`),
    );
  });
  rl.on('close', () => void stop(0));
}
