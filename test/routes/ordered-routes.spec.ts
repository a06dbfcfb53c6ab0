import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, makeTenant, publish } from '../support/api.js';
import type { Call } from '../support/api.js';
import { makeConnector } from '../support/factories.js';
import { startFakePartner } from '../support/fake-partner.js';
import type { FakePartner } from '../support/fake-partner.js';
import { eventually, startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';

const KEYS = ['alpha', 'beta', 'gamma'];
const PER_KEY = 8;

let partner: FakePartner;
let runtime: RuntimeProcess;
let call: Call;
let t: { key: string; installationId: string };
/** Texts in the order the partner first accepted them (replays of an applied key are not counted). */
const applied: string[] = [];

beforeAll(async () => {
  partner = await startFakePartner();
  // A partner that fails about a third of the calls, so retries land out of their first order.
  partner.script((request) => {
    if (request.path !== '/messages') return undefined;
    if (Math.random() < 0.35) return { status: 503, body: { error: 'try again' } };
    applied.push((request.body as { text: string }).text);
    return { status: 200, body: { ok: true } };
  });
  runtime = await startRuntime({
    env: { PLUGBOARD_WORKER_CONCURRENCY: '4', PLUGBOARD_MAX_ATTEMPTS: '20' },
  });
  call = api(runtime);
  await publish(call, makeConnector(partner.url));
  t = await makeTenant(call, 'ordered');
});

afterAll(async () => {
  await runtime?.stop();
  await partner?.close();
});

function deliver(payload: unknown, delivery: string) {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', 'whsec-ordered-value').update(body).digest('hex')}`;
  return call('post', `/hooks/${t.installationId}/issue`, '')
    .set('content-type', 'application/json')
    .set('x-delivery', delivery)
    .set('x-signature', signature)
    .send(body);
}

describe('ordered delivery per key', () => {
  it('delivers events of one key in source order through random partner failures, with parallel keys', async () => {
    const route = await call('post', '/v1/routes', t.key).send({
      name: 'ordered',
      source: { installationId: t.installationId, trigger: 'issue' },
      target: { installationId: t.installationId, action: 'send' },
      mapping: "{ 'text': key & ':' & $string(seq), 'n': seq }",
      ordering: { key: 'key' },
      sample: { key: 'alpha', seq: 0 },
    });
    expect(route.status, JSON.stringify(route.body)).toBe(201);
    expect(route.body.ordering).toEqual({ key: 'key' });
    expect(route.body.dryRun[0]).toMatchObject({ orderKey: 'alpha', input: { text: 'alpha:0' } });

    for (let seq = 0; seq < PER_KEY; seq++)
      for (const key of KEYS) await deliver({ key, seq }, `${key}-${seq}`).expect(202);

    await eventually(
      async () => (applied.length >= KEYS.length * PER_KEY ? true : undefined),
      90_000,
      200,
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect(applied).toHaveLength(KEYS.length * PER_KEY);
    for (const key of KEYS) {
      const seqs = applied
        .filter((text) => text.startsWith(`${key}:`))
        .map((x) => Number(x.split(':')[1]));
      expect(seqs, `order of ${key}`).toEqual([...Array(PER_KEY).keys()]);
    }
    // The partner did fail: some calls were retried.
    const calls = partner.requests.filter((r) => r.path === '/messages').length;
    expect(calls).toBeGreaterThan(applied.length);
    const state = await call('get', `/v1/routes/${route.body.id}`, t.key).expect(200);
    expect(state.body.deliveries).toEqual({ done: KEYS.length * PER_KEY });
  }, 120_000);
});
