import { afterAll, describe, expect, it } from 'vitest';
import { RedisBackend } from './redis-backend.js';
import { backendContract } from './testing/backend-contract.js';
import { REDIS_URL, deletePrefix, redisReachable, testPrefix } from './testing/redis.js';

const reachable = await redisReachable();

describe.skipIf(!reachable)('RedisBackend', () => {
  const prefix = testPrefix();
  const backends: RedisBackend[] = [];
  afterAll(async () => {
    await Promise.all(backends.map((backend) => backend.close()));
    await deletePrefix(prefix);
  });

  backendContract(() => {
    const backend = new RedisBackend({ url: REDIS_URL, prefix });
    backends.push(backend);
    return backend;
  });

  it('shares one bucket between two connections', async () => {
    const a = new RedisBackend({ url: REDIS_URL, prefix });
    const b = new RedisBackend({ url: REDIS_URL, prefix });
    backends.push(a, b);
    const bucket = { key: 'shared', intervalMs: 60_000, burst: 3 };
    const results = [];
    for (const backend of [a, b, a, b, a]) {
      results.push((await backend.acquire({ buckets: [bucket], pauses: [], slots: [] })).granted);
    }
    expect(results).toEqual([true, true, true, false, false]);
  });

  it('fails within its timeout, as unavailable, when Redis is not there', async () => {
    const backend = new RedisBackend({ url: 'redis://127.0.0.1:1', prefix, timeoutMs: 300 });
    backends.push(backend);
    const started = Date.now();
    await expect(
      backend.acquire({ buckets: [{ key: 'x', intervalMs: 10, burst: 1 }], pauses: [], slots: [] }),
    ).rejects.toMatchObject({
      name: 'BackendUnavailableError',
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
