import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export const KEY_REVOCATIONS = Symbol('KEY_REVOCATIONS');

/**
 * Tells every process of a cluster that a key was revoked, so each drops it from its key cache at
 * once instead of when the cache entry runs out (30 s). Best effort: with Redis unreachable the
 * revocation still holds in the database, and the other processes refuse the key within 30 s.
 */
export interface KeyRevocations {
  publish(keyId: string): Promise<void>;
  /** Calls `onRevoked` with the id of every key revoked by any process, this one included. */
  subscribe(onRevoked: (keyId: string) => void): void;
  close(): Promise<void>;
}

/** Over Redis pub/sub: one connection publishes, one listens (a listening connection does nothing else). */
export class RedisKeyRevocations implements KeyRevocations {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;

  constructor(
    url: string,
    private readonly channel: string,
    private readonly logger: Logger,
  ) {
    this.publisher = connect(url);
    this.subscriber = connect(url);
  }

  async publish(keyId: string): Promise<void> {
    try {
      await this.publisher.publish(this.channel, keyId);
    } catch (error) {
      this.logger.warn(
        { err: error instanceof Error ? error.message : String(error), keyId },
        'could not announce a key revocation; other processes refuse the key within 30 s',
      );
    }
  }

  subscribe(onRevoked: (keyId: string) => void): void {
    this.subscriber.on('message', (channel: string, keyId: string) => {
      if (channel === this.channel) onRevoked(keyId);
    });
    // ioredis subscribes again by itself after a reconnect.
    this.subscriber
      .subscribe(this.channel)
      .catch((error: unknown) =>
        this.logger.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'could not listen for key revocations; revoked keys are refused within 30 s',
        ),
      );
  }

  async close(): Promise<void> {
    await Promise.all(
      [this.publisher, this.subscriber].map(async (redis) => {
        // QUIT would wait in the offline queue of a connection that never came up.
        if (redis.status !== 'ready') return redis.disconnect();
        await redis.quit().catch(() => undefined);
      }),
    );
  }
}

function connect(url: string): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  // ioredis prints every connection error without a listener; publish and subscribe report their own.
  redis.on('error', () => undefined);
  return redis;
}
