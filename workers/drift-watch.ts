// Drift scans at once on watch events: the first scan of an app in this worker subscribes to the app's
// view of its cluster's watch cache (no connection of its own: the cluster's one watch per kind feeds
// it), and every event of an object the app owns asks for a scan after the debounce window. A burst of
// events (a rollout, an edit) is one scan; the scan itself costs no request.
import type { Cluster } from '../src/kube/cluster.ts';
import type { DriftScheduler } from '../src/queue/drift-scheduler.ts';
import type { Logger } from 'pino';

const subscribed = new WeakMap<Cluster, Map<string, () => void>>();

export function watchForDrift(cluster: Cluster, repo: string, installationId: number, app: string, scheduler: DriftScheduler, log: Logger): void {
  let apps = subscribed.get(cluster);
  if (!apps) subscribed.set(cluster, (apps = new Map()));
  if (apps.has(app)) return;
  let pending = false;
  const off = cluster.cacheFor(app).on(() => {
    if (pending) return; // one enqueue per burst from this worker; the job id dedupes across workers
    pending = true;
    scheduler.soon(repo, installationId, app, 'watch').then(
      () => { pending = false; },
      (e: Error) => { pending = false; log.warn({ err: e.message, app }, 'could not queue a drift scan'); },
    );
  });
  apps.set(app, off);
}
