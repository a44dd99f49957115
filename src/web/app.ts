// The Probot app: every handler validates, dedupes by delivery id, enqueues and returns. No GitHub
// API calls, rendering or cluster work happen in the web process.
import type { ApplicationFunction, Probot } from 'probot';
import type { JobProducer } from '../queue/producer.ts';
import type { DeliveryStore } from '../store/delivery-store.ts';
import { CLOSED_HEAD, prScope } from '../store/latest-sha.ts';
import { routeWebhook, type Route } from './route-webhook.ts';
import type { WebMetrics } from './metrics.ts';

export interface WebDeps {
  producer: JobProducer;
  deliveries: DeliveryStore;
  metrics?: WebMetrics;
  /** Our GitHub App id, to ignore check_run events of other apps. */
  appId?: number;
}

export const HANDLED_EVENTS = ['pull_request', 'push', 'issue_comment', 'check_run'] as const;

export interface Delivery {
  id: string;
  name: string;
  payload: Record<string, any>;
}

type Log = { debug(o: object, m: string): void; info(o: object | string, m?: string): void };

/**
 * Validate, dedupe and enqueue one verified delivery. The Probot app below and the web server's
 * direct path (src/web/server.ts) both end here.
 */
export async function handleDelivery(deps: WebDeps, d: Delivery, log: Log): Promise<'ignored' | 'duplicate' | 'enqueued' | 'closed'> {
  const route = routeWebhook(d.name, d.payload, deps.appId);
  if (route.queue === 'none') {
    log.debug({ event: d.name, delivery: d.id, reason: route.reason }, 'webhook ignored');
    deps.metrics?.webhooks.inc({ event: d.name, outcome: 'ignored' });
    return 'ignored';
  }
  // One Redis round trip claims the delivery id, numbers it and registers a PR head as the latest.
  // A closed PR registers a newer sequence with no head: every plan queued or running for it is stale.
  const offer = route.queue === 'plan' ? { scope: prScope(route.repo, route.pr), sha: route.headSha } : route.queue === 'close' ? { scope: prScope(route.repo, route.pr), sha: CLOSED } : undefined;
  const seq = await deps.deliveries.claimWithSeq(d.id, offer);
  if (seq === null) {
    log.info({ event: d.name, delivery: d.id }, 'duplicate delivery ignored');
    deps.metrics?.webhooks.inc({ event: d.name, outcome: 'duplicate' });
    return 'duplicate';
  }
  if (route.queue === 'close') {
    // Drop the waiting plan of the last head (best effort: a running one sees the newer sequence and
    // leaves the comment alone; re-plans by command are superseded the same way).
    const removed = await deps.producer.cancelPlan(route.repo, route.pr, route.headSha).catch(() => false);
    try {
      // The PR's previews go, whatever config says now (the worker finds them in its records).
      await deps.producer.preview({ repo: route.repo, installationId: route.installationId, pr: route.pr, headSha: route.headSha, action: 'down', seq, deliveryId: d.id, reason: route.merged ? 'merged' : 'closed' });
    } catch (e) {
      await deps.deliveries.release(d.id).catch(() => {});
      throw e;
    }
    log.info({ event: d.name, delivery: d.id, repo: route.repo, pr: route.pr, merged: route.merged, removed }, 'pull request closed: queued plans superseded, previews queued for removal');
    deps.metrics?.webhooks.inc({ event: d.name, outcome: 'closed' });
    return 'closed';
  }
  try {
    const jobId = await enqueue(deps, route, d.id, seq);
    log.info({ event: d.name, delivery: d.id, queue: route.queue, jobId, repo: route.repo }, 'job enqueued');
    deps.metrics?.webhooks.inc({ event: d.name, outcome: 'enqueued' });
    return 'enqueued';
  } catch (e) {
    // Let GitHub's redelivery work: forget the claim, answer 500.
    await deps.deliveries.release(d.id).catch(() => {});
    deps.metrics?.webhooks.inc({ event: d.name, outcome: 'error' });
    throw e;
  }
}

export function driftguardApp(deps: WebDeps): ApplicationFunction {
  return (app: Probot) => {
    app.on([...HANDLED_EVENTS], async (context) => {
      await handleDelivery(deps, { id: context.id, name: context.name, payload: context.payload as Record<string, any> }, context.log);
    });
  };
}

/** The "sha" a closed PR's scope holds in the latest register: never equal to a real head. */
export const CLOSED = CLOSED_HEAD;

async function enqueue(deps: WebDeps, route: Exclude<Route, { queue: 'none' | 'close' }>, deliveryId: string, seq: number): Promise<string> {
  switch (route.queue) {
    case 'plan': {
      const { queue: _q, event, ...rest } = route;
      const id = await deps.producer.plan({ ...rest, deliveryId, seq });
      // Beside the plan, the preview comes up (the worker checks whether any app has previews on). A
      // fork's too: the worker runs its code only if a writer approved this very head, and otherwise
      // says in the comment what is needed (a new push needs a new approval). A check-run re-request
      // re-plans without a push: the preview is left as it is.
      if (event === 'pull_request') {
        await deps.producer.preview({ repo: route.repo, installationId: route.installationId, pr: route.pr, headSha: route.headSha, action: 'up', seq, deliveryId, ...(route.requestedBy ? { requestedBy: route.requestedBy } : {}) });
      }
      return id;
    }
    case 'push': {
      const { queue: _q, ...rest } = route;
      return deps.producer.push({ ...rest, deliveryId, seq });
    }
    case 'command': {
      const { queue: _q, ...rest } = route;
      return deps.producer.command({ ...rest, deliveryId });
    }
  }
}
