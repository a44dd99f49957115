// One real control plane for a whole test run (scripts/run-tests.js starts this file as a child):
// prints `kubeconfig: <path>` once ready, then serves until its stdin closes — which also happens when
// the parent dies, however it dies — or it gets SIGINT/SIGTERM.
import { startRealCluster } from './real-cluster.ts';

const cluster = await startRealCluster({ progress: (l) => process.stderr.write(`${l}\n`) });
process.stdout.write(`version: ${cluster.version}\nkubeconfig: ${cluster.kubeconfig}\n`);
let closing: Promise<void> | undefined;
const stop = () => {
  closing ??= cluster.close().then(() => process.exit(0), (e: unknown) => { process.stderr.write(`${String(e)}\n`); process.exit(1); });
};
process.stdin.on('end', stop).on('close', stop).on('error', stop).resume();
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
