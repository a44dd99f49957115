// A checkout is faithful or refused (src/github/tarball.ts). A refused checkout is reported like a
// render failure, at the offending path, instead of failing the job: retrying cannot change the archive.
import type { AppConfig } from '../src/core/config/types.ts';
import { DriftguardError, isDriftguardError } from '../src/core/errors.ts';
import type { Checkout, RepoClient } from '../src/github/client.ts';
import type { SecretScrubber } from '../src/core/redact-secrets.ts';
import type { WorkerDeps } from './deps.ts';
import { checkoutReader, lazyReader, type TreeReader } from './changed-apps.ts';
import { renderAppAt, toReportError, type Rendered } from './render-app.ts';

export type CheckoutOrRefusal = Checkout | DriftguardError;

/**
 * The tree at `sha`: a lease on the shared checkout cache when the worker has one (one download per
 * commit for every job and worker process on this disk), else a private download. cleanupCheckout ends it.
 */
export async function checkoutOrRefusal(gh: Pick<RepoClient, 'checkout' | 'downloadTarball' | 'fullName'>, sha: string, deps: Pick<WorkerDeps, 'workDir' | 'checkouts'> = {}): Promise<CheckoutOrRefusal> {
  try {
    if (deps.checkouts) return await deps.checkouts.acquire(gh.fullName, sha, () => gh.downloadTarball(sha));
    return await gh.checkout(sha, deps.workDir);
  } catch (e) {
    if (isDriftguardError(e) && e.code === 'CHECKOUT_REFUSED') return e;
    if (isDriftguardError(e)) throw e;
    // Say what failed: a bare "Internal Server Error" in a check run does not tell the reader it was the download.
    throw new Error(`cannot download ${gh.fullName} at ${sha.slice(0, 7)} from GitHub: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Render one app of a checkout. `complete` (checkout fully extracted and the render read all of it) is
 * what a sync needs before it may prune: objects missing from a partial tree would be deleted.
 */
export async function renderCheckout(deps: Parameters<typeof renderAppAt>[0], co: CheckoutOrRefusal, app: AppConfig, scrubber?: SecretScrubber): Promise<Rendered> {
  if (co instanceof DriftguardError) return { ok: false, errors: [toReportError(co)] };
  const r = await renderAppAt(deps, co.dir, app);
  // Everything the job sends out is scrubbed of the values of every Secret the app renders.
  if (r.ok === true) scrubber?.addSecretsOf(r.objects.map((o) => o.object));
  return r.ok === true ? { ...r, complete: r.complete && co.extract.complete === true } : r;
}

/**
 * The tree of `sha`, opened on first use (`open()`, or the first read through `reader`, for changed-apps)
 * and shared by both; `release()` ends it whether or not it was opened or the open failed.
 */
export function commitTree(gh: Parameters<typeof checkoutOrRefusal>[0], sha: string, deps: Parameters<typeof checkoutOrRefusal>[2]) {
  let co: Promise<CheckoutOrRefusal> | undefined;
  const open = () => (co ??= checkoutOrRefusal(gh, sha, deps));
  const reader: TreeReader = lazyReader(async () => {
    const c = await open();
    if (c instanceof DriftguardError) throw c; // changed-apps then counts kustomize apps as changed
    return checkoutReader(c.dir);
  });
  return {
    open,
    reader,
    release: async () => {
      if (co) await cleanupCheckout(await co.catch(() => undefined));
    },
  };
}

/**
 * One app's render at `sha` for a reader that has no checkout of its own (the drift detector): the
 * shared checkout (no download when a job of the commit already has it) and the render memo (no render
 * when the same inputs were rendered). `complete` as for a sync; a refused checkout is an error result.
 */
export async function renderAppAtSha(deps: Parameters<typeof renderCheckout>[0] & Pick<WorkerDeps, 'workDir' | 'checkouts'>, gh: Parameters<typeof checkoutOrRefusal>[0], sha: string, app: AppConfig): Promise<Rendered> {
  const co = await checkoutOrRefusal(gh, sha, deps);
  try {
    return await renderCheckout(deps, co, app);
  } finally {
    await cleanupCheckout(co);
  }
}

export type CommitTree = ReturnType<typeof commitTree>;

export const cleanupCheckout = async (co: CheckoutOrRefusal | undefined) => {
  if (co && !(co instanceof DriftguardError)) await co.cleanup();
};

export type { WorkerDeps };
