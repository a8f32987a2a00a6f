import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Kysely } from 'kysely';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AppEnv } from '../context.js';
import type { FlowEnding, FlowObserver } from '../flows/flow-observer.js';
import type { Database } from '../store/schema.js';
import { outboxFigures, type OutboxFigures } from './outbox-gauges.js';

/** Seconds a user takes on a step: from a glance at a consent screen to typing a code from a phone. */
const ANSWER_BUCKETS = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 900];
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * Keyway's Prometheus metrics. Counters and histograms are this instance's (they restart at zero
 * with it, as Prometheus expects); the outbox gauges are read from the shared database at scrape time.
 */
export class KeywayMetrics implements FlowObserver {
  readonly registry = new Registry();
  readonly #flowsOpened = new Counter({ name: 'keyway_flows_opened_total', help: 'Flows opened, by link type.', labelNames: ['type'] as const, registers: [this.registry] });
  readonly #flowsEnded = new Counter({
    name: 'keyway_flows_ended_total',
    help: 'Flows ended, by link type, provider, status (succeeded, failed, expired) and failure reason.',
    labelNames: ['type', 'provider', 'status', 'reason'] as const,
    registers: [this.registry],
  });
  readonly #answers = new Histogram({
    name: 'keyway_flow_step_answer_seconds',
    help: 'Time from a step being shown to the user’s answer being applied, by step kind.',
    labelNames: ['step'] as const,
    buckets: ANSWER_BUCKETS,
    registers: [this.registry],
  });
  readonly #http = new Histogram({
    name: 'keyway_http_request_duration_seconds',
    help: 'HTTP requests, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  readonly #db: Kysely<Database>;
  readonly #clock: () => number;
  /** Read once per scrape, before the registry renders, so each outbox costs one query. */
  #outboxes: Record<'webhook_outbox' | 'mail_outbox', OutboxFigures> | undefined;

  constructor(db: Kysely<Database>, clock: () => number = Date.now) {
    this.#db = db;
    this.#clock = clock;
    collectDefaultMetrics({ register: this.registry, prefix: 'keyway_' });
    const figures = (table: 'webhook_outbox' | 'mail_outbox'): OutboxFigures | undefined => this.#outboxes?.[table];
    for (const [table, prefix, what] of [
      ['webhook_outbox', 'keyway_webhook', 'Webhook deliveries'],
      ['mail_outbox', 'keyway_mail', 'Mails'],
    ] as const) {
      new Gauge({
        name: `${prefix}_deliveries`,
        help: `${what} in the outbox, by state (pending, delivered, failed), over every instance.`,
        labelNames: ['state'] as const,
        registers: [this.registry],
        collect() {
          const read = figures(table);
          if (read) for (const state of ['pending', 'delivered', 'failed'] as const) this.set({ state }, read[state]);
        },
      });
      new Gauge({
        name: `${prefix}_retries`,
        help: `${what}: attempts beyond the first, over every row in the outbox.`,
        registers: [this.registry],
        collect() {
          const read = figures(table);
          if (read) this.set(read.retries);
        },
      });
      new Gauge({
        name: `${prefix}_oldest_pending_seconds`,
        help: `${what}: age of the oldest one not yet sent (0 when none waits).`,
        registers: [this.registry],
        collect() {
          const read = figures(table);
          if (read) this.set(read.oldestPendingSeconds);
        },
      });
    }
  }

  opened(type: string): void {
    this.#flowsOpened.inc({ type });
  }

  answered(step: string, ms: number): void {
    this.#answers.observe({ step }, Math.max(0, ms) / 1000);
  }

  ended(ending: FlowEnding): void {
    this.#flowsEnded.inc({ type: ending.type, provider: ending.provider ?? 'none', status: ending.status, reason: ending.reason ?? 'none' });
  }

  /** Times every request under its route pattern (never the raw path: ids and tokens would explode the label set). */
  readonly httpTimer: MiddlewareHandler<AppEnv> = async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const route = c.req.routeIndex >= 0 ? matchedRoutes(c)[c.req.routeIndex]?.path : undefined;
      const pattern = route && route !== '*' && route !== '/*' ? route : 'unmatched';
      this.#http.observe({ method: c.req.method, route: pattern, status: String(c.res.status) }, (performance.now() - started) / 1000);
    }
  };

  async scrape(): Promise<{ contentType: string; body: string }> {
    const now = this.#clock();
    const [webhooks, mails] = await Promise.all([outboxFigures(this.#db, 'webhook_outbox', now), outboxFigures(this.#db, 'mail_outbox', now)]);
    this.#outboxes = { webhook_outbox: webhooks, mail_outbox: mails };
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
