import pLimit from 'p-limit';

/** Run `fn` over `items` with at most `limit` in flight; results in input order. Never rejects if `fn` doesn't. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/**
 * Like mapLimit, for work that must not run on after its caller gave up: on the first failure no further
 * item starts, the ones in flight are waited for (so nothing of this call is still running when it
 * returns), then the first error is thrown. Results in input order.
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const run = pLimit(Math.max(1, limit));
  let failure: { error: unknown } | undefined;
  const out = new Array<R>(items.length);
  await Promise.all(items.map((item, i) => run(async () => {
    if (failure) return;
    try {
      out[i] = await fn(item, i);
    } catch (error) {
      failure ??= { error };
    }
  })));
  if (failure) throw failure.error;
  return out;
}
