// The Probot app: every handler validates, dedupes by delivery id, enqueues and returns. No GitHub
// API calls, rendering or cluster work happen in the web process.
import type { ApplicationFunction, Probot } from 'probot';
import type { JobProducer } from '../queue/producer.ts';
import type { DeliveryStore } from '../store/delivery-store.ts';
import { LatestShaRegister, prScope } from '../store/latest-sha.ts';
import { routeWebhook, type Route } from './route-webhook.ts';
import type { WebMetrics } from './metrics.ts';

export interface WebDeps {
  producer: JobProducer;
  deliveries: DeliveryStore;
  latest: LatestShaRegister;
  metrics?: WebMetrics;
  /** Our GitHub App id, to ignore check_run events of other apps. */
  appId?: number;
}

export const HANDLED_EVENTS = ['pull_request', 'push', 'issue_comment', 'check_run'] as const;

export function driftguardApp(deps: WebDeps): ApplicationFunction {
  return (app: Probot) => {
    app.on([...HANDLED_EVENTS], async (context) => {
      const name = context.name;
      const payload = context.payload as Record<string, any>;
      const route = routeWebhook(name, payload, deps.appId);
      const log = context.log.child({ event: name, action: payload.action, delivery: context.id });
      if (route.queue === 'none') {
        log.debug({ reason: route.reason }, 'webhook ignored');
        deps.metrics?.webhooks.inc({ event: name, outcome: 'ignored' });
        return;
      }
      if (!(await deps.deliveries.claim(context.id))) {
        log.info('duplicate delivery ignored');
        deps.metrics?.webhooks.inc({ event: name, outcome: 'duplicate' });
        return;
      }
      try {
        const jobId = await enqueue(deps, route, context.id);
        log.info({ queue: route.queue, jobId, repo: route.repo }, 'job enqueued');
        deps.metrics?.webhooks.inc({ event: name, outcome: 'enqueued' });
      } catch (e) {
        // Let GitHub's redelivery work: forget the claim, answer 500.
        await deps.deliveries.release(context.id).catch(() => {});
        deps.metrics?.webhooks.inc({ event: name, outcome: 'error' });
        throw e;
      }
    });
  };
}

async function enqueue(deps: WebDeps, route: Exclude<Route, { queue: 'none' }>, deliveryId: string): Promise<string> {
  switch (route.queue) {
    case 'plan': {
      const { queue: _q, ...rest } = route;
      const seq = await deps.latest.nextSeq();
      await deps.latest.offer(prScope(route.repo, route.pr), seq, route.headSha);
      return deps.producer.plan({ ...rest, deliveryId, seq });
    }
    case 'push': {
      const { queue: _q, ...rest } = route;
      return deps.producer.push({ ...rest, deliveryId, seq: await deps.latest.nextSeq() });
    }
    case 'command': {
      const { queue: _q, ...rest } = route;
      return deps.producer.command({ ...rest, deliveryId });
    }
  }
}
