// A second worker process for the checkout cache's tests: acquires CC_REPO@CC_SHA from the GitHub
// emulator through a CheckoutCache at CC_ROOT, signalling through files in CC_SIGNAL_DIR:
// `<name>.acquiring` before, `<name>.downloading` when it is the one downloading (it then waits for
// the file `go`), `<name>.json` with what it got. CC_MODE=hold keeps the lease until killed.
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CheckoutCache } from '../../src/github/checkout-cache.ts';
import { probotOctokitFactory, RepoClient } from '../../src/github/index.ts';

const env = process.env;
// Written whole, then renamed: the test reads a signal as soon as it exists.
const signal = (f: string, text = '') => {
  writeFileSync(join(env.CC_SIGNAL_DIR!, `.${f}`), text);
  renameSync(join(env.CC_SIGNAL_DIR!, `.${f}`), join(env.CC_SIGNAL_DIR!, f));
};
const name = env.CC_NAME!;
const cache = new CheckoutCache({ root: env.CC_ROOT!, leaseTtlMs: Number(env.CC_LEASE_TTL_MS), lockStaleMs: Number(env.CC_LOCK_STALE_MS) });
const factory = probotOctokitFactory({ APP_ID: env.CC_APP_ID!, PRIVATE_KEY: env.CC_PRIVATE_KEY!, GHE_HOST: env.CC_GHE_HOST!, GHE_PROTOCOL: 'http', LOG_LEVEL: 'fatal' });
const gh = new RepoClient(await factory.forInstallation(Number(env.CC_INSTALLATION)), env.CC_REPO!);

signal(`${name}.acquiring`);
const co = await cache.acquire(gh.fullName, env.CC_SHA!, async () => {
  signal(`${name}.downloading`);
  while (!existsSync(join(env.CC_SIGNAL_DIR!, 'go'))) await sleep(20);
  return gh.downloadTarball(env.CC_SHA!);
});
signal(`${name}.json`, JSON.stringify({ dir: co.dir, downloads: cache.downloads, files: co.extract.files }));
if (env.CC_MODE === 'hold') {
  for (;;) await sleep(60_000);
}
await co.cleanup();
