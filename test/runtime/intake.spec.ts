import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { api, standardSetup } from '../support/api.js';
import type { Call, TenantSetup } from '../support/api.js';
import { startFakePartner } from '../support/fake-partner.js';
import type { FakePartner } from '../support/fake-partner.js';
import { eventually, startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';

let runtime: RuntimeProcess;
let partner: FakePartner;
let call: Call;
let t: TenantSetup;

beforeAll(async () => {
  partner = await startFakePartner();
  runtime = await startRuntime({ env: { PLUGBOARD_MAX_ATTEMPTS: '4' } });
  call = api(runtime);
  t = await standardSetup(call, partner.url, 'intake');
});

afterAll(async () => {
  await runtime?.stop();
  await partner?.close();
});

beforeEach(() => partner.reset());

async function settled(eventId: string, states = ['succeeded', 'failed', 'dead']) {
  return eventually(async () => {
    const res = await call('get', `/v1/events/${eventId}`, t.key);
    return states.includes(res.body.state) ? res.body : undefined;
  });
}

const events = (id = t.installationId) => `/v1/installations/${id}/events`;

describe('events intake', () => {
  it('delivers an accepted event to the partner once and makes its run readable', async () => {
    const res = await call('post', events(), t.key)
      .set('x-correlation-id', 'corr-delivery-1')
      .send({ action: 'send', data: { text: 'to the partner' } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      correlationId: 'corr-delivery-1',
      events: [{ status: 'accepted' }],
    });
    const event = await settled(res.body.events[0].eventId);
    expect(event.state).toBe('succeeded');
    const received = partner.requests.filter(
      (r) => (r.body as { text?: string })?.text === 'to the partner',
    );
    expect(received).toHaveLength(1);
    expect(received[0]!.headers['x-correlation-id']).toBe('corr-delivery-1');
    expect(received[0]!.headers['idempotency-key']).toBeTruthy();
    const runs = await call('get', `/v1/runs?eventId=${event.id}`, t.key).expect(200);
    expect(runs.body.runs).toHaveLength(1);
    const run = await call('get', `/v1/runs/${runs.body.runs[0].id}`, t.key).expect(200);
    expect(run.body).toMatchObject({
      status: 'succeeded',
      connectorVersion: '1.0.0',
      correlationId: 'corr-delivery-1',
      output: { ok: true },
    });
    expect(run.body.attempts).toEqual([
      expect.objectContaining({ attempt: 1, status: 'succeeded', partnerStatus: 200 }),
    ]);
  });

  it('answers a repeated Idempotency-Key with the same body with the first answer, and another body with 409', async () => {
    const first = await call('post', events(), t.key)
      .set('idempotency-key', 'order-42')
      .send({ action: 'send', data: { text: 'once' } });
    expect(first.status).toBe(202);
    const again = await call('post', events(), t.key)
      .set('idempotency-key', 'order-42')
      .send({ data: { text: 'once' }, action: 'send' });
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    const other = await call('post', events(), t.key)
      .set('idempotency-key', 'order-42')
      .send({ action: 'send', data: { text: 'twice' } });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    await settled(first.body.events[0].eventId);
    await new Promise((r) => setTimeout(r, 300));
    expect(
      partner.requests.filter((r) => ['once', 'twice'].includes((r.body as { text: string }).text)),
    ).toHaveLength(1);
  });

  it('validates each event of a list against the action input schema and stores only the valid ones', async () => {
    const res = await call('post', events(), t.key).send({
      events: [
        { id: 'ok-1', action: 'send', data: { text: 'valid one' } },
        { id: 'bad-1', action: 'send', data: { text: '' } },
        { id: 'bad-2', action: 'send', data: { text: 'x', extra: true } },
        { id: 'bad-3', action: 'teleport', data: {} },
        { id: 'ok-2', action: 'send', data: { text: 'valid two', n: 2 } },
      ],
    });
    expect(res.status).toBe(202);
    const byId = Object.fromEntries(res.body.events.map((e: { id: string }) => [e.id, e]));
    expect(byId['ok-1'].status).toBe('accepted');
    expect(byId['ok-2'].status).toBe('accepted');
    expect(byId['bad-1']).toMatchObject({
      status: 'rejected',
      errors: [expect.objectContaining({ pointer: '/events/1/data/text' })],
    });
    expect(byId['bad-2'].errors[0].pointer).toBe('/events/2/data/extra');
    expect(byId['bad-3'].errors[0]).toMatchObject({
      pointer: '/events/3/action',
      code: 'ACTION_NOT_FOUND',
    });
    await settled(byId['ok-1'].eventId);
    await settled(byId['ok-2'].eventId);
    await new Promise((r) => setTimeout(r, 300));
    const texts = partner.requests.map((r) => (r.body as { text: string }).text).sort();
    expect(texts).toEqual(['valid one', 'valid two']);
    const repeat = await call('post', events(), t.key).send({
      events: [{ id: 'ok-1', action: 'send', data: { text: 'valid one' } }],
    });
    expect(repeat.body.events[0].status).toBe('duplicate');
  });

  it('refuses with 422 when no event is valid, and a list over 1000 events', async () => {
    const single = await call('post', events(), t.key).send({ action: 'send', data: { text: 7 } });
    expect(single.status).toBe(422);
    expect(single.body.error.details.errors[0].pointer).toBe('/data/text');
    const tooMany = await call('post', events(), t.key).send({
      events: Array.from({ length: 1001 }, () => ({ action: 'send', data: { text: 'x' } })),
    });
    expect(tooMany.status).toBe(422);
    await new Promise((r) => setTimeout(r, 300));
    expect(partner.requests).toHaveLength(0);
  });

  it('answers the HTTP-level refusals of the events route in the error envelope, with the usual headers', async () => {
    const broken = await call('post', events(), t.key)
      .set('content-type', 'application/json')
      .send('{"action": "send", "data": ');
    expect(broken.status).toBe(422);
    expect(broken.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { errors: [{ pointer: '', code: 'INVALID_JSON' }] },
    });
    expect(broken.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(broken.headers['plugboard-version']).toBeDefined();

    const text = await call('post', events(), t.key).set('content-type', 'text/plain').send('hi');
    expect(text.status).toBe(422);
    expect(text.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { errors: [{ pointer: '', code: 'SCHEMA_TYPE' }] },
    });

    const anonymous = await call('post', events(), '')
      .set('x-correlation-id', 'anon-1')
      .send({ action: 'send', data: { text: 'x' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
    expect(anonymous.headers['x-correlation-id']).toBe('anon-1');

    const unversioned = await call('post', events(), t.key)
      .set('plugboard-version', '1999-01-01')
      .send({ action: 'send', data: { text: 'x' } });
    expect(unversioned.status).toBe(400);
    expect(unversioned.body.error.code).toBe('API_VERSION_UNKNOWN');
    await new Promise((r) => setTimeout(r, 300));
    expect(partner.requests).toHaveLength(0);
  });

  it('refuses a request body over 10 MB with 413', async () => {
    // The server answers as soon as it sees the length, so the client may still be writing: read
    // the answer with a plain request that tolerates the early close.
    const body = JSON.stringify({ action: 'send', data: { text: 'x'.repeat(11 * 1024 * 1024) } });
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${runtime.url}${events()}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${t.key}`,
        },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', (error) => setTimeout(() => reject(error), 500));
      req.flushHeaders();
      setTimeout(() => req.end(body), 1000).unref();
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('retries transient partner failures inside the attempt (egress policy) and records every call', async () => {
    partner.answerNext(2, { status: 503, body: { error: 'busy' } });
    const res = await call('post', events(), t.key)
      .send({ action: 'send', data: { text: 'flaky' } })
      .expect(202);
    const event = await settled(res.body.events[0].eventId);
    expect(event.state).toBe('succeeded');
    expect(event.attempts.map((a: { status: string }) => a.status)).toEqual(['succeeded']);
    const run = await call('get', `/v1/runs/${event.lastRunId}`, t.key).expect(200);
    expect(
      run.body.calls.map((c: { status: number; attempt: number }) => [c.attempt, c.status]),
    ).toEqual([
      [1, 503],
      [2, 503],
      [3, 200],
    ]);
  });

  it('fails a permanently refused event after one attempt', async () => {
    partner.answerNext(1, { status: 400, body: { error: 'bad' } });
    const res = await call('post', events(), t.key)
      .send({ action: 'send', data: { text: 'refused' } })
      .expect(202);
    const event = await settled(res.body.events[0].eventId);
    expect(event).toMatchObject({ state: 'failed', error: { code: 'PARTNER_PERMANENT' } });
    expect(event.attempts).toHaveLength(1);
  });
});

describe('batched actions', () => {
  it('gathers items into ordered batches with per-item outcomes, and replays only the failed items', async () => {
    partner.script((request) => {
      const records = (request.body as { records?: Array<{ id: string }> })?.records;
      if (request.path !== '/import' || !records) return undefined;
      return {
        status: 200,
        body: { results: records.map((r) => ({ ok: !r.id.startsWith('bad'), id: r.id })) },
      };
    });
    const ids = Array.from({ length: 25 }, (_, i) => (i % 8 === 3 ? `bad-${i}` : `rec-${i}`));
    const res = await call('post', events(), t.key)
      .send({ events: ids.map((id) => ({ id, action: 'import', data: { id } })) })
      .expect(202);
    const eventIds: string[] = res.body.events.map((e: { eventId: string }) => e.eventId);
    const finals = await Promise.all(eventIds.map((id) => settled(id)));
    const calls = partner.requests.filter((r) => r.path === '/import');
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls.every((c) => (c.body as { records: unknown[] }).records.length <= 10)).toBe(true);
    expect(
      calls.flatMap((c) => (c.body as { records: Array<{ id: string }> }).records.map((r) => r.id)),
    ).toEqual(ids);
    const failed = finals.filter((e) => e.state === 'failed').map((e) => e.data?.id ?? e.key);
    expect(finals.filter((e) => e.state === 'failed')).toHaveLength(
      ids.filter((id) => id.startsWith('bad')).length,
    );

    const batchId = finals.find((e) => e.state === 'failed')!.lastBatchId as string;
    const batch = await call('get', `/v1/batches/${batchId}`, t.key).expect(200);
    expect(batch.body.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(batch.body.status).toBe('partial');
    const outcomes = batch.body.items.map((i: { outcome: { status: string } }) => i.outcome.status);
    expect(outcomes).toContain('failed');
    expect(outcomes).toContain('ok');

    partner.reset();
    const replay = await call('post', `/v1/batches/${batchId}/replay`, t.key).send({}).expect(202);
    const failedInBatch = batch.body.items
      .filter((i: { outcome: { status: string } }) => i.outcome.status === 'failed')
      .map((i: { eventId: string }) => i.eventId);
    expect(replay.body.requeued.sort()).toEqual(failedInBatch.sort());
    await eventually(async () => (partner.requests.length > 0 ? true : undefined));
    const replayed = partner.requests.flatMap((c) =>
      (c.body as { records: Array<{ id: string }> }).records.map((r) => r.id),
    );
    expect(replayed.every((id) => id.startsWith('bad'))).toBe(true);
    expect(replayed).toHaveLength(failedInBatch.length);
    const audit = await call('get', '/v1/audit?action=batch.replayed').expect(200);
    expect(audit.body.entries[0].targetId).toBe(batchId);
    expect(failed.length).toBeGreaterThan(0);
  });

  it('refuses a synchronous call of a batched action', async () => {
    const res = await call(
      'post',
      `/v1/installations/${t.installationId}/actions/import`,
      t.key,
    ).send({ id: 'x' });
    expect(res.status).toBe(422);
  });
});

describe('webhooks', () => {
  const secret = 'whsec-intake-value';
  const hmac = (body: string, key = secret) =>
    `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
  const hook = (trigger: string) => `/hooks/${t.installationId}/${trigger}`;

  it('refuses one changed byte and a wrong secret without storing anything, then accepts the genuine delivery once', async () => {
    const body = JSON.stringify({ action: 'opened', issue: { number: 7 } });
    const tampered = body.replace('7', '8');
    const r1 = await call('post', hook('issue'), '')
      .set('content-type', 'application/json')
      .set('x-delivery', 'd-1')
      .set('x-signature', hmac(body))
      .send(tampered);
    expect(r1.status).toBe(401);
    expect(r1.body.error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    const r2 = await call('post', hook('issue'), '')
      .set('content-type', 'application/json')
      .set('x-delivery', 'd-1')
      .set('x-signature', hmac(body, 'wrong-secret'))
      .send(body);
    expect(r2.status).toBe(401);
    const r3 = await call('post', hook('issue'), '')
      .set('content-type', 'application/json')
      .set('x-delivery', 'd-1')
      .send(body);
    expect(r3.status).toBe(401);
    // Had any refused delivery been stored, this one would be answered as its duplicate.
    const ok = await call('post', hook('issue'), '')
      .set('content-type', 'application/json')
      .set('x-delivery', 'd-1')
      .set('x-signature', hmac(body))
      .send(body);
    expect(ok.status).toBe(202);
    expect(ok.body.status).toBe('accepted');
    const redelivered = await call('post', hook('issue'), '')
      .set('content-type', 'application/json')
      .set('x-delivery', 'd-1')
      .set('x-signature', hmac(body))
      .send(body);
    expect(redelivered.body).toMatchObject({ status: 'duplicate', id: ok.body.id });
    const record = await call('get', `/v1/events/${ok.body.id}`, t.key).expect(200);
    expect(record.body.data.body).toEqual(JSON.parse(body));
    expect(JSON.stringify(record.body)).not.toContain(hmac(body));
  });

  it('refuses a stale timestamp even with a valid signature', async () => {
    const body = JSON.stringify({ id: 'pay_1', amount: 100 });
    const sign = (ts: number) =>
      `t=${ts},v1=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`;
    const stale = Math.floor(Date.now() / 1000) - 3600;
    const old = await call('post', hook('payment'), '')
      .set('content-type', 'application/json')
      .set('acme-signature', sign(stale))
      .send(body);
    expect(old.status).toBe(401);
    const fresh = await call('post', hook('payment'), '')
      .set('content-type', 'application/json')
      .set('acme-signature', sign(Math.floor(Date.now() / 1000)))
      .send(body);
    expect(fresh.status).toBe(202);
    expect(fresh.body.status).toBe('accepted');
  });

  it('answers 404 for an unknown trigger or installation', async () => {
    expect((await call('post', hook('nope'), '').send({})).status).toBe(404);
    expect((await call('post', '/hooks/ins_missing/issue', '').send({})).status).toBe(404);
  });
});
