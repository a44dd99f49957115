// Graceful stop for the long-running processes (web, worker): the first SIGINT/SIGTERM closes, later
// ones are ignored while closing; the exit code says whether closing worked.
export function onShutdown(close: () => Promise<void>, log: (msg: string) => void): void {
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (stopping) return;
      stopping = true;
      log(`${sig}: shutting down`);
      close().then(() => process.exit(0), () => process.exit(1));
    });
  }
}
