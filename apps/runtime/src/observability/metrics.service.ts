import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// Labels are bounded by the catalog, never by traffic: connector id, action, outcome class, HTTP
// route template. Tenant and installation ids are deliberately absent (their count grows with
// customers); per-installation figures live in GET /v1/installations/:id/health instead.

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const DELIVERY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600];
const BATCH_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000];

export interface QueueSample {
  queue: string;
  depth: number;
  lagSeconds: number;
}

@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private queueSampler: (() => Promise<QueueSample[]>) | undefined;

  readonly httpRequests = new Counter({
    name: 'plugboard_http_requests_total',
    help: 'HTTP requests answered, by route template and status class',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'plugboard_http_request_duration_seconds',
    help: 'HTTP request latency, by route template',
    labelNames: ['method', 'route'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly intakeEvents = new Counter({
    name: 'plugboard_intake_events_total',
    help: 'Events offered to POST /v1/installations/:id/events, by answer (accepted, duplicate, rejected)',
    labelNames: ['connector', 'status'] as const,
    registers: [this.registry],
  });
  readonly intakeDuration = new Histogram({
    name: 'plugboard_intake_request_duration_seconds',
    help: 'Durable intake latency: request received to commit answered',
    labelNames: ['connector'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly duplicates = new Counter({
    name: 'plugboard_duplicates_suppressed_total',
    help: 'Events not stored again because their idempotency key was already used (same body)',
    labelNames: ['connector', 'source'] as const,
    registers: [this.registry],
  });
  readonly deliveryLatency = new Histogram({
    name: 'plugboard_delivery_latency_seconds',
    help: 'Accepted at intake to the partner call that succeeded for the item',
    labelNames: ['connector', 'action'] as const,
    buckets: DELIVERY_BUCKETS,
    registers: [this.registry],
  });
  readonly outcomes = new Counter({
    name: 'plugboard_item_outcomes_total',
    help: 'Item attempts by outcome class (success, transient, permanent, system)',
    labelNames: ['connector', 'action', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly runs = new Counter({
    name: 'plugboard_runs_total',
    help: 'Engine runs (one per attempt of an item, batch or synchronous call), by outcome class',
    labelNames: ['connector', 'action', 'kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly partnerCalls = new Counter({
    name: 'plugboard_partner_calls_total',
    help: 'HTTP calls to partners, by classified outcome and status class',
    labelNames: ['connector', 'outcome', 'status'] as const,
    registers: [this.registry],
  });
  readonly retries = new Counter({
    name: 'plugboard_retries_total',
    help: 'Retries: redelivery of an item after a transient failure, or a partner call retried inside a run',
    labelNames: ['connector', 'reason'] as const,
    registers: [this.registry],
  });
  readonly rateLimitWaits = new Counter({
    name: 'plugboard_rate_limit_waits_total',
    help: 'Partner calls that waited for a rate-limit token or a concurrency slot, or were refused RATE_LIMITED',
    labelNames: ['connector', 'blocked_by'] as const,
    registers: [this.registry],
  });
  readonly rateLimitWaitSeconds = new Histogram({
    name: 'plugboard_rate_limit_wait_seconds',
    help: 'Time partner calls spent waiting in the egress policy',
    labelNames: ['connector'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly partnerThrottled = new Counter({
    name: 'plugboard_partner_throttled_total',
    help: 'Partner answers that asked us to slow down (429, or a 503 with Retry-After), each pausing the installation',
    labelNames: ['connector', 'status'] as const,
    registers: [this.registry],
  });
  readonly budgetExhausted = new Counter({
    name: 'plugboard_retry_budget_exhausted_total',
    help: 'Retries refused because the installation spent its retry budget',
    labelNames: ['connector'] as const,
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'plugboard_batch_size',
    help: 'Items per batch sent to a partner',
    labelNames: ['connector', 'action'] as const,
    buckets: BATCH_BUCKETS,
    registers: [this.registry],
  });
  readonly schemaMismatches = new Counter({
    name: 'plugboard_output_schema_mismatches_total',
    help: "Live outputs (or batch items) that do not validate against the action's output schema",
    labelNames: ['connector', 'action'] as const,
    registers: [this.registry],
  });
  readonly sandboxSeconds = new Histogram({
    name: 'plugboard_sandbox_seconds',
    help: 'Time a run spent in the sandbox, partner call time excluded',
    labelNames: ['connector', 'action'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly sandboxBreaches = new Counter({
    name: 'plugboard_sandbox_breaches_total',
    help: 'Runs stopped by a sandbox limit (timeout, memory, output_too_large, call_budget, error)',
    labelNames: ['connector', 'limit'] as const,
    registers: [this.registry],
  });
  readonly alertsFiring = new Gauge({
    name: 'plugboard_alerts_firing',
    help: 'Alerts currently firing, by rule',
    labelNames: ['rule'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'plugboard_process_' });
    const sample = () => this.queueSampler?.() ?? Promise.resolve([]);
    // Read from the events table at scrape time: the table is the queue in both modes, so every
    // process reports the same truth and a dead worker's backlog still shows.
    new Gauge({
      name: 'plugboard_queue_depth',
      help: 'Items owed work (accepted, queued or running), per queue (connector:action)',
      labelNames: ['queue'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const s of await sample()) this.set({ queue: s.queue }, s.depth);
      },
    });
    new Gauge({
      name: 'plugboard_consumer_lag_seconds',
      help: 'Age of the oldest item still owed work, per queue (connector:action)',
      labelNames: ['queue'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const s of await sample()) this.set({ queue: s.queue }, s.lagSeconds);
      },
    });
  }

  sampleQueuesWith(sampler: () => Promise<QueueSample[]>): void {
    this.queueSampler = sampler;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
