// Prometheus metrics for the web process, on their own registry (GET /metrics).
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class WebMetrics {
  readonly registry = new Registry();
  readonly webhooks = new Counter({
    name: 'driftguard_webhooks_total',
    help: 'Webhook deliveries by event and outcome (enqueued, duplicate, ignored, closed, rejected, error)',
    labelNames: ['event', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'driftguard_webhook_duration_seconds',
    help: 'Time to acknowledge a webhook',
    buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  constructor(defaults = true) {
    if (defaults) collectDefaultMetrics({ register: this.registry, prefix: 'driftguard_web_' });
  }
}
