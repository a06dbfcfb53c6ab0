// The front door: per API key and per tenant limits on the intake routes, through the built runtime.
import { beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, publish } from '../support/api.js';
import type { Call } from '../support/api.js';
import { makeConnector } from '../support/factories.js';
import { useRuntimeAndPartner } from './support.js';

const harness = useRuntimeAndPartner({
  PLUGBOARD_FRONT_DOOR_KEY_LIMIT: '3',
  PLUGBOARD_FRONT_DOOR_TENANT_LIMIT: '5',
  PLUGBOARD_FRONT_DOOR_WINDOW_MS: '60000',
});
let call: Call;
beforeAll(async () => {
  call = harness.call;
  await publish(call, makeConnector(harness.partner.url));
});

const event = { action: 'send', data: { text: 'hello' } };

describe('front door', () => {
  it('limits each API key and the tenant, answering 429 with Retry-After and the RateLimit headers', async () => {
    const t = await makeTenant(call, 'door-tenant');
    const events = `/v1/installations/${t.installationId}/events`;
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call('post', events, t.key).send(event).expect(202);
      expect(res.headers['ratelimit-limit']).toBe('3');
      expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThan(0);
      expect(res.headers['retry-after']).toBeUndefined();
      remaining.push(res.headers['ratelimit-remaining'] as string);
    }
    expect(remaining).toEqual(['2', '1', '0']);

    const refused = await call('post', events, t.key).send(event);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.headers).toMatchObject({ 'ratelimit-limit': '3', 'ratelimit-remaining': '0' });
    expect(Number(refused.headers['ratelimit-reset'])).toBeGreaterThan(0);
    // Reads are not intake: they pass and carry no limit headers.
    const read = await call('get', `/v1/installations/${t.installationId}`, t.key).expect(200);
    expect(read.headers['ratelimit-limit']).toBeUndefined();

    // A second key of the same tenant has its own 3, but the tenant has only 2 of its 5 left.
    const other = await call('post', '/v1/api-keys')
      .send({ tenantId: t.tenantId, scopes: ['events:write', 'actions:invoke'] })
      .expect(201);
    await call('post', events, other.body.key).send(event).expect(202);
    await call('post', events, other.body.key).send(event).expect(202);
    const tenantFull = await call('post', events, other.body.key).send(event);
    expect(tenantFull.status).toBe(429);
    expect(tenantFull.headers).toMatchObject({
      'ratelimit-limit': '5',
      'ratelimit-remaining': '0',
    });
  });

  it('limits inbound webhooks per installation, before the signature is even checked', async () => {
    const t = await makeTenant(call, 'hook-tenant');
    const hook = `/hooks/${t.installationId}/issue`;
    for (let i = 0; i < 3; i++) {
      const res = await call('post', hook, '').set('x-signature', 'sha256=00').send({ n: i });
      expect(res.status).toBe(401);
      expect(res.headers['ratelimit-limit']).toBe('3');
    }
    const refused = await call('post', hook, '').set('x-signature', 'sha256=00').send({ n: 4 });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // The API keys of that tenant still have their own allowance (2 of the tenant's 5 are left).
    await call('post', `/v1/installations/${t.installationId}/events`, t.key)
      .send(event)
      .expect(202);
  });
});
