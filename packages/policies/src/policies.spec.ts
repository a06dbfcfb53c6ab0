import { describe, expect, it } from 'vitest';
import { createPolicies } from './policies.js';
import { REDIS_URL, deletePrefix, redisReachable, testPrefix } from './testing/redis.js';

const reachable = await redisReachable();

describe('createPolicies', () => {
  it('runs embedded mode in memory', async () => {
    const policies = createPolicies({ frontDoor: { perKey: { requests: 1, perMs: 60_000 } } });
    expect(policies.backend.kind).toBe('memory');
    expect((await policies.frontDoor.check('key-1')).allowed).toBe(true);
    expect((await policies.frontDoor.check('key-1')).allowed).toBe(false);
    const permit = await policies.egress.acquire({
      connectorId: 'acme',
      host: 'api.acme.test',
      attempt: 1,
    });
    await permit.release({ class: 'success' });
    await policies.close();
  });

  it.skipIf(!reachable)(
    'shares one Redis between the egress policy and the front door in cluster mode',
    async () => {
      const prefix = testPrefix();
      const policies = createPolicies({
        redisUrl: REDIS_URL,
        redisOptions: { prefix },
        frontDoor: { perKey: { requests: 2, perMs: 60_000 } },
      });
      try {
        expect(policies.backend.kind).toBe('redis');
        expect(await policies.frontDoor.check('key-1')).toMatchObject({
          allowed: true,
          remaining: 1,
          source: 'backend',
        });
        const ctx = {
          connectorId: 'acme',
          host: 'api.acme.test',
          installationId: 'inst-1',
          limits: { concurrency: 1 },
        };
        const permit = await policies.egress.acquire({ ...ctx, attempt: 1 });
        expect((await policies.egress.state('inst-1', ctx)).concurrency[0]?.inUse).toBe(1);
        await permit.release({ class: 'success' });
      } finally {
        await policies.close();
        await deletePrefix(prefix);
      }
    },
  );
});
