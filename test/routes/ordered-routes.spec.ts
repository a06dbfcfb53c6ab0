import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, makeTenant, publish } from '../support/api.js';
import type { Call } from '../support/api.js';
import { startFakePartner } from '../support/fake-partner.js';
import type { FakePartner } from '../support/fake-partner.js';
import { startRuntime } from '../support/runtime.js';
import type { RuntimeProcess } from '../support/runtime.js';
import {
  deliverAcme,
  failRandomly,
  orderPerKey,
  orderedRoute,
  sendInterleaved,
  targetWithoutInRunRetries,
} from './route-fixtures.js';

const KEYS = ['alpha', 'beta', 'gamma'];
const PER_KEY = 8;

let partner: FakePartner;
let runtime: RuntimeProcess;
let call: Call;
let t: { key: string; installationId: string };
/** Texts in the order the partner first accepted them. */
const applied: string[] = [];

beforeAll(async () => {
  partner = await startFakePartner();
  failRandomly(partner, applied);
  runtime = await startRuntime({
    env: { PLUGBOARD_WORKER_CONCURRENCY: '4', PLUGBOARD_MAX_ATTEMPTS: '20' },
  });
  call = api(runtime);
  await publish(call, targetWithoutInRunRetries(partner.url));
  t = await makeTenant(call, 'ordered');
});

afterAll(async () => {
  await runtime?.stop();
  await partner?.close();
});

describe('ordered delivery per key (embedded, dispatcher concurrency 4)', () => {
  it('delivers events of one key in source order through random partner failures, with parallel keys', async () => {
    const route = await call('post', '/v1/routes', t.key).send(orderedRoute(t.installationId));
    expect(route.status, JSON.stringify(route.body)).toBe(201);
    expect(route.body.ordering).toEqual({ key: 'key' });
    expect(route.body.dryRun[0]).toMatchObject({ orderKey: 'alpha', input: { text: 'alpha:0' } });

    await sendInterleaved(
      (payload, delivery) =>
        deliverAcme(call, t.installationId, 'whsec-ordered-value', payload, delivery).expect(202),
      KEYS,
      PER_KEY,
      applied,
    );
    expect(applied).toHaveLength(KEYS.length * PER_KEY);
    const inOrder = [...Array(PER_KEY).keys()];
    expect(orderPerKey(applied, KEYS)).toEqual({ alpha: inOrder, beta: inOrder, gamma: inOrder });
    // The partner did fail: some calls were retried.
    expect(partner.requests.filter((r) => r.path === '/messages').length).toBeGreaterThan(
      applied.length,
    );
    const state = await call('get', `/v1/routes/${route.body.id}`, t.key).expect(200);
    expect(state.body.deliveries).toEqual({ done: KEYS.length * PER_KEY });
  }, 120_000);
});
