import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { api, makeTenant, standardSetup } from '../support/api.js';
import type { Call, TenantSetup } from '../support/api.js';
import { startFakePartner } from '../support/fake-partner.js';
import type { FakePartner } from '../support/fake-partner.js';
import { startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';
import { settledEvent } from './support.js';

let runtime: RuntimeProcess;
let partner: FakePartner;
let call: Call;
let t: TenantSetup;
let other: Omit<TenantSetup, 'definition'>;

beforeAll(async () => {
  partner = await startFakePartner();
  runtime = await startRuntime();
  call = api(runtime);
  t = await standardSetup(call, partner.url, 'trace-a');
  other = await makeTenant(call, 'trace-b');
});

afterAll(async () => {
  await runtime?.stop();
  await partner?.close();
});

beforeEach(() => partner.reset());

const events = () => `/v1/installations/${t.installationId}/events`;

describe('correlation and trace', () => {
  it('answers every response with an X-Correlation-Id, the caller’s or a new one', async () => {
    const given = await call('get', '/v1/installations', t.key).set('x-correlation-id', 'mine-1');
    expect(given.headers['x-correlation-id']).toBe('mine-1');
    const generated = await call('get', '/health/live', '');
    expect(generated.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    const refused = await call('get', '/v1/installations', 'pb_bad_key');
    expect(refused.status).toBe(401);
    expect(refused.headers['x-correlation-id']).toBeTruthy();
  });

  it('shows all three attempts of an item the partner failed twice, with one correlation id up to the partner', async () => {
    partner.answerNext(2, { status: 503, body: { error: 'busy' } });
    const accepted = await call('post', events(), t.key)
      .set('x-correlation-id', 'corr-trace-1')
      .set('idempotency-key', 'order-trace-1')
      .send({ action: 'send', data: { text: 'three tries' } })
      .expect(202);
    expect(accepted.headers['x-correlation-id']).toBe('corr-trace-1');
    const event = await settledEvent(call, t.key, accepted.body.events[0].eventId);
    expect(event.state).toBe('succeeded');

    const received = partner.requests.filter(
      (r) => (r.body as { text?: string } | null)?.text === 'three tries',
    );
    expect(received).toHaveLength(3);
    const trace = await call('get', '/v1/trace/corr-trace-1', t.key).expect(200);
    for (const request of received) {
      expect(request.headers['x-correlation-id']).toBe('corr-trace-1');
      // W3C traceparent: one trace id for the record across all its attempts.
      expect(request.headers.traceparent).toMatch(
        new RegExp(`^00-${trace.body.traceId}-[0-9a-f]{16}-01$`),
      );
    }

    expect(trace.body.records).toHaveLength(1);
    const record = trace.body.records[0];
    expect(record).toMatchObject({
      eventId: event.id,
      idempotencyKey: 'order-trace-1',
      installationId: t.installationId,
      action: 'send',
      finalState: 'succeeded',
      done: true,
    });
    // The three partner attempts, in order, whichever layer retried them: the egress policy inside
    // one item attempt, or a redelivery of the item.
    const calls = record.partnerCalls as Array<Record<string, unknown>>;
    expect(calls.map((c) => c.status)).toEqual([503, 503, 200]);
    expect(calls.map((c) => c.outcome)).toEqual(['transient', 'transient', 'success']);
    for (const c of calls) {
      expect(c).toMatchObject({
        connector: 'acme@1.0.0',
        method: 'POST',
        url: `${partner.url}/messages`,
      });
      expect(Date.parse(String(c.attemptStartedAt))).toBeGreaterThanOrEqual(
        Date.parse(record.acceptedAt),
      );
    }
    for (const failed of calls.slice(0, 2)) {
      expect(failed.retry).toMatchObject({ retried: true });
      expect(String((failed.retry as { why: string }).why)).toMatch(/transient/);
    }
    expect(calls[2]!.retry).toBeNull();
    // Each item attempt names its time, version, run and what the partner answered last.
    const attempts = record.attempts as Array<{
      runId: string;
      startedAt: string;
      partner: { status: number; calls: unknown[] };
      retry: { retried: boolean; why: string } | null;
    }>;
    expect(attempts.at(-1)).toMatchObject({ status: 'succeeded', partner: { status: 200 } });
    for (const attempt of attempts) {
      expect(attempt).toMatchObject({ connectorVersion: '1.0.0', correlationId: 'corr-trace-1' });
      expect(attempt.startedAt).toEqual(expect.any(String));
      expect(attempt.runId).toMatch(/^run_/);
    }
    const partnerAttempts = attempts.reduce((n, a) => n + a.partner.calls.length, 0);
    expect(partnerAttempts).toBe(3);
    for (const a of attempts.slice(0, -1)) {
      expect(a.retry).toMatchObject({ retried: true });
      expect(a.retry!.why).toMatch(/PARTNER_TRANSIENT is transient \(partner answered 503\)/);
    }

    const byKey = await call('get', '/v1/trace?idempotencyKey=order-trace-1', t.key).expect(200);
    expect(byKey.body.correlationIds).toEqual(['corr-trace-1']);
    expect(byKey.body.records[0].partnerCalls).toHaveLength(3);
  });

  it('traces a batched item with its batch and says why a permanent failure was not retried', async () => {
    partner.script((request) => {
      const body = request.body as { records?: Array<{ id: string }> };
      if (request.path !== '/import' || !body?.records) return undefined;
      return {
        status: 200,
        body: { results: body.records.map((r) => ({ ok: r.id !== 'bad', id: r.id })) },
      };
    });
    const accepted = await call('post', events(), t.key)
      .set('x-correlation-id', 'corr-batch-1')
      .send({
        events: [
          { id: 'b-ok', action: 'import', data: { id: 'good' } },
          { id: 'b-bad', action: 'import', data: { id: 'bad' } },
        ],
      })
      .expect(202);
    for (const e of accepted.body.events) await settledEvent(call, t.key, e.eventId);
    const trace = await call('get', '/v1/trace/corr-batch-1', t.key).expect(200);
    expect(trace.body.records).toHaveLength(2);
    const [ok, bad] = trace.body.records;
    expect(ok.finalState).toBe('succeeded');
    expect(bad.finalState).toBe('failed');
    expect(ok.attempts[0].batch).toMatchObject({ size: 2, itemIndex: 0 });
    expect(bad.attempts[0].batch).toMatchObject({ id: ok.attempts[0].batch.id, itemIndex: 1 });
    expect(bad.attempts[0].retry).toMatchObject({ retried: false });
    expect(bad.attempts[0].retry.why).toMatch(/PARTNER_PERMANENT is permanent/);
  });

  it('keeps traces inside their tenant', async () => {
    await call('get', '/v1/trace/corr-trace-1', other.key).expect(404);
    await call('get', '/v1/trace?idempotencyKey=order-trace-1', other.key).expect(404);
    await call('get', '/v1/trace/no-such-correlation', t.key).expect(404);
    // The platform admin sees every tenant's trace.
    await call('get', '/v1/trace/corr-trace-1').expect(200);
    const missing = await call('get', '/v1/trace', t.key);
    expect(missing.status).toBe(422);
  });
});
