// Real Redis for the specs: reachable at 127.0.0.1:6379, or the Redis specs skip with one loud
// line (and fail under CI, where Redis must be there).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = 'redis://127.0.0.1:6379';

export async function redisReachable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1000,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch (error) {
    if (process.env.CI)
      throw new Error(`Redis at ${REDIS_URL} is required under CI`, { cause: error });
    console.warn(`!!! SKIPPING Redis policy specs: no Redis at ${REDIS_URL} (${String(error)})`);
    return false;
  } finally {
    probe.disconnect();
  }
}

export function testPrefix(): string {
  return `pbtest:${randomUUID()}:`;
}

export async function deletePrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
