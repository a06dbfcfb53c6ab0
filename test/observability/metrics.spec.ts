import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, makeTenant, standardSetup } from '../support/api.js';
import type { Call, TenantSetup } from '../support/api.js';
import { startFakePartner } from '../support/fake-partner.js';
import type { FakePartner } from '../support/fake-partner.js';
import { eventually, startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';
import { put, sample, scrape, settledEvent } from './support.js';

let runtime: RuntimeProcess;
let partner: FakePartner;
let call: Call;
let t: TenantSetup;

beforeAll(async () => {
  partner = await startFakePartner();
  runtime = await startRuntime();
  call = api(runtime);
  t = await standardSetup(call, partner.url, 'metrics');
});

afterAll(async () => {
  await runtime?.stop();
  await partner?.close();
});

const events = () => `/v1/installations/${t.installationId}/events`;
const acme = (labels: Record<string, string> = {}) => ({ connector: 'acme', ...labels });

describe('/metrics', () => {
  it('needs an admin key', async () => {
    await call('get', '/metrics', '').expect(401);
    const res = await call('get', '/metrics', t.key);
    expect(res.status).toBe(403);
  });

  it('counts a scripted run: intake, duplicates, retries, outcomes, delivery latency, batches, queue depth', async () => {
    // One transient failure, then success: one redelivery.
    partner.answerNext(1, { status: 503 });
    const first = await call('post', events(), t.key)
      .set('idempotency-key', 'm-1')
      .send({ action: 'send', data: { text: 'one' } })
      .expect(202);
    const again = await call('post', events(), t.key)
      .set('idempotency-key', 'm-1')
      .send({ action: 'send', data: { text: 'one' } })
      .expect(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const list = await call('post', events(), t.key)
      .send({
        events: [
          { id: 'm-2', action: 'send', data: { text: 'two' } },
          { id: 'm-3', action: 'send', data: { text: '' } },
          { id: 'm-2', action: 'send', data: { text: 'two' } },
        ],
      })
      .expect(202);
    expect(list.body.events.map((e: { status: string }) => e.status)).toEqual([
      'accepted',
      'rejected',
      'duplicate',
    ]);
    await settledEvent(call, t.key, first.body.events[0].eventId);
    await settledEvent(call, t.key, list.body.events[0].eventId);

    const batch = await call('post', events(), t.key)
      .send({ events: [1, 2, 3, 4].map((n) => ({ action: 'import', data: { id: `r${n}` } })) })
      .expect(202);
    for (const e of batch.body.events) await settledEvent(call, t.key, e.eventId);

    const text = await scrape(call);
    expect(sample(text, 'plugboard_intake_events_total', acme({ status: 'accepted' }))).toBe(6);
    expect(sample(text, 'plugboard_intake_events_total', acme({ status: 'duplicate' }))).toBe(2);
    expect(sample(text, 'plugboard_intake_events_total', acme({ status: 'rejected' }))).toBe(1);
    expect(sample(text, 'plugboard_duplicates_suppressed_total', acme({ source: 'intake' }))).toBe(
      2,
    );
    // The one 503 is retried either inside the attempt (egress policy) or by redelivering the item.
    const redelivered =
      sample(text, 'plugboard_retries_total', acme({ reason: 'redelivery' })) ?? 0;
    const inRun = sample(text, 'plugboard_retries_total', acme({ reason: 'partner' })) ?? 0;
    expect(redelivered + inRun).toBe(1);
    expect(
      sample(text, 'plugboard_item_outcomes_total', acme({ action: 'send', outcome: 'success' })),
    ).toBe(2);
    expect(
      sample(
        text,
        'plugboard_item_outcomes_total',
        acme({ action: 'send', outcome: 'transient' }),
      ) ?? 0,
    ).toBe(redelivered);
    expect(
      sample(text, 'plugboard_item_outcomes_total', acme({ action: 'import', outcome: 'success' })),
    ).toBe(4);
    expect(sample(text, 'plugboard_delivery_latency_seconds_count', acme({ action: 'send' }))).toBe(
      2,
    );
    expect(
      sample(text, 'plugboard_delivery_latency_seconds_count', acme({ action: 'import' })),
    ).toBe(4);
    expect(sample(text, 'plugboard_batch_size_count', acme({ action: 'import' }))).toBeGreaterThan(
      0,
    );
    expect(sample(text, 'plugboard_batch_size_sum', acme({ action: 'import' }))).toBe(4);
    expect(
      sample(text, 'plugboard_partner_calls_total', acme({ outcome: 'transient', status: '5xx' })),
    ).toBe(1);
    expect(sample(text, 'plugboard_sandbox_seconds_count', acme({ action: 'send' }))).toBe(
      2 + redelivered,
    );
    expect(
      sample(text, 'plugboard_partner_calls_total', acme({ outcome: 'success', status: '2xx' })),
    ).toBe(3);
    expect(
      sample(text, 'plugboard_http_requests_total', {
        method: 'POST',
        route: '/v1/installations/:id/events',
        status: '2xx',
      }),
    ).toBe(4);
    expect(
      sample(text, 'plugboard_output_schema_mismatches_total', acme({ action: 'send' })),
    ).toBeUndefined();
    // Series that stay at zero in this run still announce themselves to Prometheus.
    for (const name of [
      'plugboard_rate_limit_waits_total',
      'plugboard_rate_limit_wait_seconds',
      'plugboard_retry_budget_exhausted_total',
      'plugboard_sandbox_breaches_total',
      'plugboard_output_schema_mismatches_total',
      'plugboard_queue_depth',
      'plugboard_consumer_lag_seconds',
      'plugboard_intake_request_duration_seconds',
      'plugboard_http_request_duration_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    // No tenant or installation ids in any label.
    expect(text).not.toContain(t.installationId);
    expect(text).not.toContain(t.tenantId);
  });

  it('shows queue depth and consumer lag while items wait on a slow partner', async () => {
    partner.script((request) =>
      (request.body as { text?: string } | null)?.text === 'slow'
        ? { status: 200, body: { ok: true }, delayMs: 2500 }
        : undefined,
    );
    const accepted = await call('post', events(), t.key)
      .send({ action: 'send', data: { text: 'slow' } })
      .expect(202);
    const during = await eventually(
      async () => {
        const text = await scrape(call);
        const depth = sample(text, 'plugboard_queue_depth', { queue: 'acme:send' });
        return depth !== undefined && depth >= 1 ? text : undefined;
      },
      2000,
      100,
    );
    expect(
      sample(during, 'plugboard_consumer_lag_seconds', { queue: 'acme:send' }),
    ).toBeGreaterThan(0);
    await settledEvent(call, t.key, accepted.body.events[0].eventId);
    const after = await scrape(call);
    expect(sample(after, 'plugboard_queue_depth', { queue: 'acme:send' })).toBeUndefined();
  });
});

describe('GET /v1/installations/:id/health', () => {
  it('reports success rate, latency, duplicates, queue, policy state, last success and SLO budgets', async () => {
    const health = await call('get', `/v1/installations/${t.installationId}/health`, t.key).expect(
      200,
    );
    // After the scripted run above: 7 items delivered, none lost; 2 duplicates of 10 offered.
    expect(health.body).toMatchObject({
      installationId: t.installationId,
      connectorId: 'acme',
      version: '1.0.0',
      successRate: { '1h': 1, '24h': 1 },
      duplicates: { offered: 10, duplicates: 2, rate: 0.2 },
      queue: { depth: 0, lagSeconds: 0 },
      slo: {
        objectives: { delivery: { target: 0.99, withinMs: 60_000 }, success: { target: 0.995 } },
        windows: {
          '1h': { total: 7, succeeded: 7, failed: 0, errorBudgetLeft: { success: 1, latency: 1 } },
        },
      },
    });
    expect(health.body.deliveryLatencyMs.samples).toBe(7);
    expect(health.body.deliveryLatencyMs.p50).toBeGreaterThanOrEqual(0);
    expect(health.body.deliveryLatencyMs.p99).toBeGreaterThanOrEqual(2500);
    expect(Date.parse(health.body.lastSuccessAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(health.body.policy).toHaveProperty('available');

    // One permanent failure out of eight spends far more than the 0.5% success budget.
    partner.answerNext(1, { status: 400, body: { error: 'no' } });
    const refused = await call('post', events(), t.key)
      .send({ action: 'send', data: { text: 'refused' } })
      .expect(202);
    const failed = await settledEvent(call, t.key, refused.body.events[0].eventId);
    expect(failed.state).toBe('failed');
    const after = await call('get', `/v1/installations/${t.installationId}/health`, t.key).expect(
      200,
    );
    expect(after.body.successRate['1h']).toBe(0.875);
    expect(after.body.slo.windows['1h'].errorBudgetLeft.success).toBe(-24);
    expect(after.body.slo.windows['1h'].burnRate.success).toBe(25);

    // Objectives are per installation; the budget math follows the stored ones.
    const set = await put(runtime, `/v1/installations/${t.installationId}/slo`, t.key)
      .send({ success: { target: 0.8 }, delivery: { target: 0.95, withinMs: 120_000 } })
      .expect(200);
    expect(set.body.objectives).toEqual({
      delivery: { target: 0.95, withinMs: 120_000 },
      success: { target: 0.8 },
    });
    const loose = await call('get', `/v1/installations/${t.installationId}/health`, t.key).expect(
      200,
    );
    expect(loose.body.slo.objectives.success.target).toBe(0.8);
    // 12.5% failed against 20% allowed: 37.5% of the budget left.
    expect(loose.body.slo.windows['1h'].errorBudgetLeft.success).toBe(0.375);
    const invalid = await put(runtime, `/v1/installations/${t.installationId}/slo`, t.key).send({
      success: { target: 2 },
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.details.errors[0].pointer).toBe('/success/target');

    const stranger = await makeTenant(call, 'health-other');
    await call('get', `/v1/installations/${t.installationId}/health`, stranger.key).expect(404);
    await put(runtime, `/v1/installations/${t.installationId}/slo`, stranger.key)
      .send({ success: { target: 0.9 } })
      .expect(404);
  });
});
