// Desired vs live for a PR plan or `driftguard diff --context`. Default 'server' mode asks the API server
// what each object would become (server-side apply, dryRun=All, force, our field manager) and diffs that
// against live: defaulting, admission webhooks and SSA list merging of the real cluster are then in the
// diff, not our imitation of them (kubectl diff does the same). Objects to create are shown as rendered.
// 'local' mode compares normalized objects without a single write or read beyond the warm watch cache.
// Either way the result carries the app's current live health (live-health.ts), from the same reads.
import { diffObjects } from '../core/diff/index.ts';
import { keyOf, keyString, type SourcedObject } from '../core/model/object.ts';
import { FIELD_MANAGER } from '../core/ownership.ts';
import { SecretScrubber } from '../core/redact-secrets.ts';

import { liveHealth } from './live-health.ts';
import { loadLive } from './live.ts';
import { gvkOf } from '../kube/discovery.ts';
import { mapLimit } from './pool.ts';
import { prepareDesired } from './prepare.ts';
import { isHookObject } from '../core/hooks/index.ts';
import { explainApplyError } from './sync-app.ts';
import { withoutOutOfBoundsDeletes } from './enforce-bounds.ts';
import type { DiffAppOptions, DiffAppResult } from './types.ts';

export async function diffApp(opts: DiffAppOptions): Promise<DiffAppResult> {
  const { cluster, app } = opts;
  const conc = Math.max(1, opts.concurrency ?? 10);
  // Hooks are never drift: they run during a sync and are not desired resources.
  const prep = await prepareDesired(cluster, app, opts.desired.filter((d) => !isHookObject(d.object)), opts.namespace, opts.allowedNamespaces);
  const errors: DiffAppResult['errors'] = prep.problems.map((p) => ({ ...keyOf(p.object), message: p.message, source: p.source }));
  const state = await loadLive(cluster, app, prep.objects, prep.gvks, { namespace: prep.namespace, allowedNamespaces: opts.allowedNamespaces, concurrency: conc, signal: opts.signal });
  const liveByKey = new Map(state.live.map((o) => [keyString(keyOf(o)), o]));
  // The server may quote any object, and a Secret's value may be reused in another object: scrub the
  // values of all the app's Secrets, desired and live, from every message.
  const scrubber = new SecretScrubber().addSecretsOf([...prep.objects.map((p) => p.object), ...state.live]);
  let desired: SourcedObject[] = prep.objects.filter((p) => {
    const err = state.readErrors.get(keyString(keyOf(p.object)));
    if (err) errors.push({ ...keyOf(p.object), message: `cannot read live state: ${err}`, source: p.source });
    return !err;
  });
  if ((opts.mode ?? 'server') === 'server') {
    desired = await mapLimit(desired, conc, async (d) => {
      if (!liveByKey.has(keyString(keyOf(d.object)))) return d;
      try {
        const key = keyString(keyOf(d.object));
        // Neither the render nor the live object changed since an earlier dry run (or our apply): no request.
        const known = cluster.dryRuns.get(d.object, liveByKey.get(key)!);
        if (known) return { object: { ...known, apiVersion: d.object.apiVersion, kind: d.object.kind }, source: d.source };
        let merged = await cluster.resources.apply(d.object, { dryRun: true, force: true, fieldManager: FIELD_MANAGER });
        // A warm watch cache can lag the server: when the dry run started from a newer version than the
        // live object we hold (a controller or a hand edit since), diffing the two would show the other
        // writer's change as ours. Re-read live and dry-run again until both are of the same version.
        for (let i = 0; i < 3 && merged.metadata.resourceVersion !== liveByKey.get(key)?.metadata.resourceVersion; i++) {
          const live = liveByKey.get(key)!;
          const fresh = await cluster.resources.get(gvkOf(live.apiVersion, live.kind), live.metadata.namespace ?? '', live.metadata.name!);
          if (!fresh) break;
          liveByKey.set(key, fresh);
          if (fresh.metadata.resourceVersion === merged.metadata.resourceVersion) break;
          merged = await cluster.resources.apply(d.object, { dryRun: true, force: true, fieldManager: FIELD_MANAGER });
        }
        cluster.dryRuns.remember(d.object, liveByKey.get(key)!, merged);
        return { object: { ...merged, apiVersion: d.object.apiVersion, kind: d.object.kind }, source: d.source };
      } catch (e) {
        errors.push({ ...keyOf(d.object), message: `server-side dry run rejected it: ${scrubber.scrub(explainApplyError(e))}`, source: d.source });
        return d;
      }
    });
  }
  const live = [...liveByKey.values()];
  const scope = new Map(prep.objects.map((p) => [`${p.gvk.group}/${p.gvk.kind}`, !!p.object.metadata.namespace]));
  const all = diffObjects(desired, live, {
    ignore: opts.ignore, defaultNamespace: prep.namespace, appName: app, fieldManager: FIELD_MANAGER, labels: opts.labels,
    isNamespaced: (group: string, kind: string) => scope.get(`${group}/${kind}`) ?? cluster.discovery.peek({ group, version: '', kind })?.namespaced,
  });
  // The sync never prunes owned objects outside the project's bounds: neither does the diff show it would.
  const result = opts.bounds ? withoutOutOfBoundsDeletes(all, liveByKey, opts.bounds) : all;
  // Health of what is live now (not of the dry-run result), from the objects already read: no extra request.
  const h = liveHealth(result.resources, live, opts.healthChecks);
  return { ...result, errors, health: h.health, resourceHealth: h.resources };
}

