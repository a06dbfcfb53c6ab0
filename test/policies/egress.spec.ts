// The egress policies as a tenant and a partner see them, through the built runtime (embedded
// mode, limits in memory) against a fake partner that enforces its own limit and counts.
import { beforeAll, describe, expect, it } from 'vitest';
import { makeTenant } from '../support/api.js';
import type { Call } from '../support/api.js';
import type { FakePartner } from '../support/fake-partner.js';
import { eventually } from '../support/runtime.js';
import {
  allSettled,
  busiestWindow,
  enforceLimit,
  installConnector,
  limitedConnector,
  on,
  postEvents,
  useRuntimeAndPartner,
} from './support.js';

const harness = useRuntimeAndPartner({
  PLUGBOARD_WORKER_CONCURRENCY: '8',
  // A short bounded wait, so calls the policy holds back past it are re-queued (RATE_LIMITED).
  PLUGBOARD_EGRESS_MAX_WAIT_MS: '1500',
  // A margin of 60 ms per second absorbs the scheduling stalls of a loaded 2-core CI machine.
  PLUGBOARD_EGRESS_SAFETY_MARGIN: '0.06',
});
let partner: FakePartner;
let call: Call;
beforeAll(() => {
  ({ partner, call } = harness);
});

const texts = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ action: 'send', data: { text: `m${i}` } }));

describe('egress policies (embedded mode)', () => {
  it('keeps 200 events to a 10 requests/s connector within the limit, delivers every one, and uses at least 90% of the limit', async () => {
    const definition = limitedConnector(partner.url, 'rated', {
      rate: { requests: 10, perMs: 1000 },
    });
    const t = await installConnector(call, definition, 'rated-tenant');
    const books = enforceLimit(partner, '/rated/', 10, 1000);
    const ids = await postEvents(call, t.key, t.installationId, texts(200));
    // Waiting on the partner's own count keeps this process (the partner's event loop) quiet, so
    // the arrival times it records are not skewed by polling the API.
    await eventually(
      async () => (on(partner, '/rated/').length >= 200 ? true : undefined),
      40_000,
      200,
    );
    const events = await allSettled(call, t.key, ids);
    expect(events.filter((e) => e.state !== 'succeeded')).toEqual([]);
    const seen = on(partner, '/rated/');
    expect(books.refused).toBe(0);
    expect(seen).toHaveLength(200);
    expect(busiestWindow(seen)).toBeLessThanOrEqual(10);
    const spanMs = seen[seen.length - 1]!.at - seen[0]!.at;
    const perSecond = ((seen.length - 1) / spanMs) * 1000;
    expect(perSecond).toBeGreaterThanOrEqual(9);

    const health = await call('get', `/v1/installations/${t.installationId}/health`, t.key).expect(
      200,
    );
    const layers = health.body.policies.state.layers as Array<{ layer: string; limit: unknown }>;
    expect(layers).toContainEqual(
      expect.objectContaining({ layer: 'partner', limit: { requests: 10, perMs: 1000 } }),
    );
    expect(health.body.policies.state.lastSuccessAt).toEqual(expect.any(String));
  }, 60_000);

  it('keeps a 503 storm within the retry budget and ends the items RETRY_BUDGET_EXHAUSTED, replayable', async () => {
    const definition = limitedConnector(partner.url, 'storm', {
      retry: { maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 100, budgetRatio: 0.1 },
    });
    const t = await installConnector(call, definition, 'storm-tenant');
    let storm = true;
    partner.script((request) =>
      storm && request.path.startsWith('/storm/')
        ? { status: 503, body: { error: 'unavailable' } }
        : undefined,
    );
    const ids = await postEvents(call, t.key, t.installationId, texts(30));
    const events = await allSettled(call, t.key, ids);
    expect(events.map((e) => [e.state, e.error?.code])).toEqual(
      ids.map(() => ['failed', 'RETRY_BUDGET_EXHAUSTED']),
    );
    // Every item attempt (run) makes one first call; everything beyond is a retry.
    const firstAttempts = events.reduce((n, e) => n + e.attempts.length, 0);
    const total = on(partner, '/storm/').length;
    expect(total).toBeGreaterThan(firstAttempts);
    expect(total).toBeLessThanOrEqual(Math.floor(1.1 * firstAttempts) + 3);

    storm = false;
    const replay = await call('post', `/v1/runs/${events[0]!.lastRunId}/replay`, t.key);
    expect(replay.status).toBeLessThan(300);
    const [replayed] = await allSettled(call, t.key, [ids[0]!]);
    expect(replayed!.state).toBe('succeeded');
  }, 60_000);

  it('sends nothing to a partner for the 2 s of its Retry-After, then delivers everything', async () => {
    const definition = limitedConnector(partner.url, 'throttle', {});
    const t = await installConnector(call, definition, 'throttle-tenant');
    let throttled = false;
    partner.script((request) => {
      if (!request.path.startsWith('/throttle/') || throttled) return undefined;
      throttled = true;
      return { status: 429, headers: { 'retry-after': '2' }, body: { error: 'slow down' } };
    });
    const first = await postEvents(call, t.key, t.installationId, texts(1));
    await eventually(async () => (throttled ? true : undefined), 10_000, 20);
    const more = await postEvents(call, t.key, t.installationId, texts(6));
    const events = await allSettled(call, t.key, [...first, ...more]);
    expect(events.every((e) => e.state === 'succeeded')).toBe(true);
    const seen = on(partner, '/throttle/');
    expect(seen).toHaveLength(8);
    const refusedAt = seen[0]!.at;
    for (const later of seen.slice(1)) expect(later.at - refusedAt).toBeGreaterThanOrEqual(1990);
    expect(events.every((e) => e.attempts.length === 1)).toBe(true);
    const metrics = await call('get', '/metrics').expect(200);
    expect(metrics.text).toContain(
      'plugboard_partner_throttled_total{connector="throttle",status="429"} 1\n',
    );
  }, 30_000);

  it('answers a synchronous call the policy holds back past its bounded wait with 429 and Retry-After', async () => {
    const definition = limitedConnector(partner.url, 'sync-trickle', {
      rate: { requests: 1, perMs: 1000 },
    });
    const t = await installConnector(call, definition, 'sync-trickle-tenant');
    // At 1 per second, the fourth of four calls at once would wait about 3 s: over the 1.5 s bound.
    const answers = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        call('post', `/v1/installations/${t.installationId}/actions/send`, t.key).send({
          text: `now ${n}`,
        }),
      ),
    );
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.status !== 429).every((a) => a.status === 200)).toBe(true);
    for (const answer of limited) {
      expect(answer.body.error.code).toBe('RATE_LIMITED');
      expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    expect(on(partner, '/sync-trickle/')).toHaveLength(answers.length - limited.length);
  }, 30_000);

  it('re-queues items the policy holds back past its bounded wait, without spending an attempt', async () => {
    const definition = limitedConnector(partner.url, 'trickle', {
      rate: { requests: 1, perMs: 1000 },
    });
    const t = await installConnector(call, definition, 'trickle-tenant');
    const ids = await postEvents(call, t.key, t.installationId, texts(4));
    const events = await allSettled(call, t.key, ids);
    expect(events.every((e) => e.state === 'succeeded')).toBe(true);
    // At 1 per second the third and fourth calls would wait over 1.5 s: RATE_LIMITED, re-queued.
    const deferred = events.filter((e) => e.attempts.some((a) => a.error?.code === 'RATE_LIMITED'));
    expect(deferred.length).toBeGreaterThan(0);
    expect(events.every((e) => e.attempts.every((a) => a.attempt === 1))).toBe(true);
    const seen = on(partner, '/trickle/');
    expect(seen).toHaveLength(4);
    expect(busiestWindow(seen)).toBe(1);
  }, 30_000);

  it('makes exactly one attempt at a request the partner refuses as invalid (400)', async () => {
    const definition = limitedConnector(partner.url, 'strict', {});
    const t = await installConnector(call, definition, 'strict-tenant');
    partner.script((request) =>
      request.path.startsWith('/strict/')
        ? { status: 400, body: { error: { code: 'invalid', field: 'text' } } }
        : undefined,
    );
    const [id] = await postEvents(call, t.key, t.installationId, texts(1));
    const [event] = await allSettled(call, t.key, [id!]);
    expect(event).toMatchObject({ state: 'failed', error: { code: 'PARTNER_PERMANENT' } });
    expect(event!.attempts).toHaveLength(1);
    expect(on(partner, '/strict/')).toHaveLength(1);
  });

  it('never has more than 3 calls in flight to a slow partner with a cap of 3, and none after', async () => {
    const definition = limitedConnector(partner.url, 'slow', { concurrency: 3 });
    const t = await installConnector(call, definition, 'slow-tenant');
    const answerMs = 300;
    partner.script((request) =>
      request.path.startsWith('/slow/')
        ? { status: 200, body: { ok: true }, delayMs: answerMs }
        : undefined,
    );
    const ids = await postEvents(call, t.key, t.installationId, texts(12));
    const events = await allSettled(call, t.key, ids);
    expect(events.every((e) => e.state === 'succeeded')).toBe(true);
    const seen = on(partner, '/slow/');
    // A request is in flight from its arrival until its answer leaves, answerMs later.
    const inFlight = seen.map(
      (r) => seen.filter((q) => q.at <= r.at && r.at < q.at + answerMs).length,
    );
    expect(Math.max(...inFlight)).toBe(3);
    const health = await call('get', `/v1/installations/${t.installationId}/health`, t.key).expect(
      200,
    );
    expect(health.body.policies.state.concurrency).toContainEqual(
      expect.objectContaining({ scope: 'installation', limit: 3, inUse: 0 }),
    );
  }, 30_000);

  it('does not delay a second tenant while the first floods at 10x its quota', async () => {
    const definition = limitedConnector(partner.url, 'shared', {
      rate: { requests: 100, perMs: 1000 },
    });
    const flooding = await installConnector(call, definition, 'flooding-tenant');
    const quiet = await makeTenant(call, 'quiet-tenant', 'shared');
    await call('patch', `/v1/installations/${flooding.installationId}`, flooding.key)
      .send({ quotas: { rate: { requests: 5, perMs: 1000 } } })
      .expect(200);
    const byTenant = (tenant: string) =>
      on(partner, '/shared/').filter((r) => String(r.headers.authorization).includes(tenant));

    const baseline = await postEvents(call, quiet.key, quiet.installationId, texts(10));
    const baselineMs = latest(await allSettled(call, quiet.key, baseline));

    // 30 events at once against a quota of 5 per second.
    const flood = await postEvents(call, flooding.key, flooding.installationId, texts(30));
    const quietIds = await postEvents(call, quiet.key, quiet.installationId, texts(10));
    const quietEvents = await allSettled(call, quiet.key, quietIds);
    expect(quietEvents.every((e) => e.state === 'succeeded')).toBe(true);
    expect(latest(quietEvents)).toBeLessThan(Math.max(2 * baselineMs, baselineMs + 1000));
    expect(byTenant('quiet-tenant')).toHaveLength(20);

    const floodEvents = await allSettled(call, flooding.key, flood, 30_000);
    expect(floodEvents.every((e) => e.state === 'succeeded')).toBe(true);
    // The quota is a bucket of 5 refilled at 5/s: never more than 10 in a second.
    expect(busiestWindow(byTenant('flooding-tenant'))).toBeLessThanOrEqual(10);
    expect(floodEvents.every((e) => e.attempts.at(-1)!.attempt === 1)).toBe(true);
  }, 60_000);

  it('sends 1,000 items of a batched action (maxItems 100) in about 10 calls and retries only the 3 items the partner failed', async () => {
    const definition = limitedConnector(partner.url, 'bulk', { batch: { maxItems: 100 } });
    const imports = (definition.actions as Record<string, Record<string, unknown>>).import!;
    imports.batch = { maxItems: 100, maxWaitMs: 500 };
    const nodes = (imports.flow as { nodes: Array<Record<string, unknown>> }).nodes;
    nodes[1]!.items = String(nodes[1]!.items).replace('PARTNER_PERMANENT', 'PARTNER_TRANSIENT');
    const t = await installConnector(call, definition, 'bulk-tenant');
    const failOnce = new Set(['r-7', 'r-150', 'r-420']);
    partner.script((request) => {
      const records = (request.body as { records?: Array<{ id: string }> } | null)?.records;
      if (!request.path.startsWith('/bulk/') || !records) return undefined;
      const results = records.map((r) => ({ ok: !failOnce.has(r.id), id: r.id }));
      for (const r of records) failOnce.delete(r.id);
      return { status: 200, body: { results } };
    });
    const records = Array.from({ length: 1000 }, (_, i) => ({
      action: 'import',
      data: { id: `r-${i}` },
    }));
    const ids = await postEvents(call, t.key, t.installationId, records);
    const events = await allSettled(call, t.key, ids, 60_000);
    expect(events.filter((e) => e.state !== 'succeeded')).toEqual([]);
    const calls = on(partner, '/bulk/');
    const sent = calls.map((c) =>
      (c.body as { records: Array<{ id: string }> }).records.map((r) => r.id),
    );
    // Ten full batches, and the three retries: they fall due on their own jittered backoffs, so
    // they share a call only when their waits happen to end together.
    expect(calls.length).toBeGreaterThanOrEqual(10);
    expect(calls.length).toBeLessThanOrEqual(10 + 3);
    expect(sent.flat()).toHaveLength(1003);
    const times = new Map<string, number>();
    for (const id of sent.flat()) times.set(id, (times.get(id) ?? 0) + 1);
    expect(times.size).toBe(1000);
    expect(
      [...times]
        .filter(([, n]) => n > 1)
        .map(([id, n]) => [id, n])
        .sort(),
    ).toEqual([
      ['r-150', 2],
      ['r-420', 2],
      ['r-7', 2],
    ]);
    expect(
      events.filter((e) => e.attempts.length > 1).map((e) => e.attempts.map((a) => a.status)),
    ).toEqual([
      ['failed', 'succeeded'],
      ['failed', 'succeeded'],
      ['failed', 'succeeded'],
    ]);
    const firstBatch = await call(
      'get',
      `/v1/batches/${events[7]!.attempts[0]!.batchId}`,
      t.key,
    ).expect(200);
    expect(firstBatch.body.status).toBe('partial');
  }, 90_000);
});

function latest(events: Array<{ createdAt: string; updatedAt: string }>): number {
  return Math.max(...events.map((e) => Date.parse(e.updatedAt) - Date.parse(e.createdAt)));
}
