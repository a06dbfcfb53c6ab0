import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, makeTenant, publish } from '../support/api.js';
import type { Call } from '../support/api.js';
import { makeConnector } from '../support/factories.js';
import { startFakePartner } from '../support/fake-partner.js';
import type { FakePartner } from '../support/fake-partner.js';
import { eventually, startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';
import { deliverAcme, orderedRoute } from './route-fixtures.js';

let partner: FakePartner;
let runtime: RuntimeProcess;
let call: Call;
let t: { key: string; installationId: string };
/** Texts in arrival order. */
const arrivals: Array<{ text: string }> = [];

beforeAll(async () => {
  partner = await startFakePartner();
  // k:3 is answered slowly, so it stays in flight while later events of its key arrive.
  partner.script((request) => {
    if (request.path !== '/messages') return undefined;
    const text = (request.body as { text: string }).text;
    arrivals.push({ text });
    return { status: 200, body: { ok: true }, delayMs: text === 'k:3' ? 1500 : 0 };
  });
  runtime = await startRuntime({ env: { PLUGBOARD_WORKER_CONCURRENCY: '4' } });
  call = api(runtime);
  await publish(call, makeConnector(partner.url));
  t = await makeTenant(call, 'sequenced');
});

afterAll(async () => {
  await runtime?.stop();
  await partner?.close();
});

const send = (key: string, seq: number) =>
  deliverAcme(
    call,
    t.installationId,
    'whsec-sequenced-value',
    { key, seq },
    `${key}-${seq}`,
  ).expect(202);
const texts = () => arrivals.map((a) => a.text);

describe("ordered delivery by the source's sequence", () => {
  it('orders late arrivals of a key by sequence, and drops one older than what was delivered', async () => {
    const route = await call('post', '/v1/routes', t.key).send({
      ...orderedRoute(t.installationId),
      ordering: { key: 'key', sequence: 'seq' },
    });
    expect(route.status, JSON.stringify(route.body)).toBe(201);
    expect(route.body.ordering).toEqual({ key: 'key', sequence: 'seq' });
    expect(route.body.dryRun[0]).toMatchObject({ orderKey: 'alpha', sequence: 0 });

    await send('k', 3);
    await eventually(async () => (texts().includes('k:3') ? true : undefined));
    // While k:3 is in flight, 5 arrives before 4, and another key comes in.
    await send('k', 5);
    await send('k', 4);
    await send('j', 1);
    await eventually(async () => (texts().includes('k:5') ? true : undefined));
    // 2 is older than 5, which the target already has.
    await send('k', 2);
    await new Promise((r) => setTimeout(r, 1500));

    expect(texts().filter((x) => x.startsWith('k:'))).toEqual(['k:3', 'k:4', 'k:5']);
    expect(texts().filter((x) => x === 'j:1')).toHaveLength(1);
    const state = await call('get', `/v1/routes/${route.body.id}`, t.key).expect(200);
    expect(state.body.deliveries).toEqual({ done: 5 });

    const invalid = await call('post', '/v1/routes', t.key).send({
      ...orderedRoute(t.installationId),
      ordering: { key: 'key', sequence: "{ 'at': seq }" },
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.details.errors[0]).toMatchObject({
      pointer: '/ordering/sequence',
      code: 'ORDERING_INVALID',
    });
  });
});
