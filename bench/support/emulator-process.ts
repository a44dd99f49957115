// The Kubernetes API emulator in its own process, driven over IPC: a real API server runs on other
// machines, so a benchmark of our client should not share its event loop (and its one core) with it.
// Run as a child (`fork` with tsx); messages: {id, op: 'latency', ms} | {id, op: 'clearFaults'} | {id, op: 'reset'} |
// {id, op: 'counters'}; answers {id, result}. The first message it sends is {ready: kubeconfigPath}.
import { startKubeEmulator, type KubeEmulatorOptions } from '../../emulators/kube/index.ts';

type Msg = { id: number; op: 'latency'; ms: number } | { id: number; op: 'clearFaults' } | { id: number; op: 'reset' } | { id: number; op: 'counters' };

const opts = JSON.parse(process.argv[2] ?? '{}') as KubeEmulatorOptions;
const emu = await startKubeEmulator(opts);
const kubeconfig = emu.writeKubeconfig(process.argv[3]);
process.on('message', (m: Msg) => {
  let result: unknown = null;
  if (m.op === 'latency') emu.faults.latency(m.ms);
  else if (m.op === 'clearFaults') emu.faults.clear();
  else if (m.op === 'reset') emu.counters.reset();
  else if (m.op === 'counters') result = emu.counters.snapshot();
  process.send!({ id: m.id, result });
});
process.on('disconnect', () => void emu.close().then(() => process.exit(0)));
process.send!({ ready: kubeconfig });
