import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  BackendUnavailableError,
  type AcquireRequest,
  type AcquireResult,
  type BucketState,
  type InspectRequest,
  type Inspection,
  type PolicyBackend,
  type ReleaseRequest,
  type RetryBudgetRequest,
  type RetryBudgetResult,
} from './backend.js';
import { ACQUIRE, INSPECT, RELEASE, RENEW, SHIFT, TRY_RETRY } from './redis-scripts.js';

export interface RedisBackendOptions {
  /** An ioredis client to use (not closed by `close()`), or `url` to let the backend own one. */
  redis?: Redis;
  url?: string;
  /**
   * Prepended to every key. Default `pb:pol:`. On Redis Cluster wrap it in a hash tag
   * (`{pbpol}:`) so that one script's keys share a slot.
   */
  prefix?: string;
  /** A call that takes longer fails as unavailable. Default 500 ms. */
  timeoutMs?: number;
  /**
   * After a failure, calls fail at once for this long instead of each waiting `timeoutMs` (ioredis
   * keeps reconnecting meanwhile). Default 1000 ms.
   */
  breakMs?: number;
  /** Told about every failed call (the policies fail closed; the runtime logs and counts). */
  onError?: (error: Error) => void;
}

type Reply = Array<string | number>;

class Script {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }
}

const scripts = {
  acquire: new Script(ACQUIRE),
  renew: new Script(RENEW),
  shift: new Script(SHIFT),
  release: new Script(RELEASE),
  tryRetry: new Script(TRY_RETRY),
  inspect: new Script(INSPECT),
};

/** Limits shared by every process that talks to the same Redis (cluster mode). */
export class RedisBackend implements PolicyBackend {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private readonly owned: boolean;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly onError: (error: Error) => void;
  private readonly breakMs: number;
  private brokenUntil = 0;

  constructor(options: RedisBackendOptions) {
    this.prefix = options.prefix ?? 'pb:pol:';
    this.timeoutMs = options.timeoutMs ?? 500;
    this.onError = options.onError ?? (() => undefined);
    this.breakMs = options.breakMs ?? 1000;
    if (options.redis) {
      this.redis = options.redis;
      this.owned = false;
    } else {
      if (options.url === undefined) throw new Error('RedisBackend needs `redis` or `url`');
      // Fail fast instead of queueing commands for as long as Redis is away: a limit we cannot
      // check is answered "unavailable" within timeoutMs.
      this.redis = new Redis(options.url, {
        maxRetriesPerRequest: 1,
        connectTimeout: this.timeoutMs * 4,
        retryStrategy: (times) => Math.min(times * 200, 2000),
      });
      this.owned = true;
    }
    // Without a listener ioredis prints every connection error; ours reports them once per call.
    this.redis.on('error', () => undefined);
  }

  async acquire(request: AcquireRequest): Promise<AcquireResult> {
    const keys = [
      ...request.buckets.map((bucket) => bucket.key),
      ...request.pauses,
      ...request.slots.map((slot) => slot.key),
      ...(request.countFirstAttempt ? [request.countFirstAttempt.key] : []),
    ];
    if (request.slots.length > 0 && request.lease === undefined) {
      throw new Error('acquire: slots need a lease');
    }
    const window = request.countFirstAttempt;
    const args = [
      request.buckets.length,
      request.pauses.length,
      request.slots.length,
      window ? 1 : 0,
      ...request.buckets.flatMap((bucket) => [bucket.intervalMs, bucket.burst]),
      ...request.slots.map((slot) => slot.limit),
      request.lease?.id ?? '',
      request.lease?.ttlMs ?? 0,
      request.slotPollMs ?? 25,
      window?.bucketMs ?? 1,
      window ? Math.ceil(window.windowMs / window.bucketMs) : 1,
      request.lookaheadMs ?? 0,
    ];
    const reply = await this.run(scripts.acquire, keys, args);
    const buckets = pairs(reply.slice(4));
    if (Number(reply[0]) === 1) return { granted: true, buckets, delayMs: Number(reply[1]) };
    return {
      granted: false,
      buckets,
      waitMs: Number(reply[1]),
      blockedBy: String(reply[2]) as 'rate' | 'pause' | 'concurrency',
      index: Number(reply[3]),
    };
  }

  async shift(buckets: string[], byMs: number): Promise<void> {
    if (buckets.length === 0) return;
    await this.run(scripts.shift, buckets, [byMs]);
  }

  async renew(slots: string[], leaseId: string, ttlMs: number): Promise<void> {
    if (slots.length === 0) return;
    await this.run(scripts.renew, slots, [leaseId, ttlMs]);
  }

  async release(request: ReleaseRequest): Promise<void> {
    const slots = request.leaseId === undefined ? [] : request.slots;
    const pauses = request.pause?.keys ?? [];
    const success = request.successKey === undefined ? [] : [request.successKey];
    if (slots.length + pauses.length + success.length === 0) return;
    await this.run(
      scripts.release,
      [...slots, ...pauses, ...success],
      [
        slots.length,
        pauses.length,
        success.length,
        request.leaseId ?? '',
        request.pause?.forMs ?? 0,
      ],
    );
  }

  async tryRetry(request: RetryBudgetRequest): Promise<RetryBudgetResult> {
    const { window, backoff } = request;
    const reply = await this.run(
      scripts.tryRetry,
      [window.key, ...(backoff ? [backoff.key] : [])],
      [
        window.bucketMs,
        Math.ceil(window.windowMs / window.bucketMs),
        request.ratio,
        request.minRetries,
        backoff?.delayMs ?? 0,
        backoff?.attempt ?? 0,
      ],
    );
    const [granted, firstAttempts, retries, allowed, left] = reply.map(Number);
    return {
      granted: granted === 1,
      firstAttempts: firstAttempts ?? 0,
      retries: retries ?? 0,
      allowed: allowed ?? 0,
      left: left ?? 0,
    };
  }

  async inspect(request: InspectRequest): Promise<Inspection> {
    const budget = request.budget;
    const keys = [
      ...request.buckets.map((bucket) => bucket.key),
      ...request.pauses,
      ...request.slots,
      ...(budget ? [budget.window.key] : []),
      ...(request.backoffKey === undefined ? [] : [request.backoffKey]),
      ...(request.successKey === undefined ? [] : [request.successKey]),
    ];
    const args = [
      request.buckets.length,
      request.pauses.length,
      request.slots.length,
      budget ? 1 : 0,
      request.backoffKey === undefined ? 0 : 1,
      request.successKey === undefined ? 0 : 1,
      ...request.buckets.flatMap((bucket) => [bucket.intervalMs, bucket.burst]),
      ...(budget
        ? [
            budget.window.bucketMs,
            Math.ceil(budget.window.windowMs / budget.window.bucketMs),
            budget.ratio,
            budget.minRetries,
          ]
        : []),
    ];
    const reply = await this.run(scripts.inspect, keys, args);
    let at = 1;
    const take = (n: number) => {
      const part = reply.slice(at, at + n);
      at += n;
      return part;
    };
    const inspection: Inspection = {
      nowMs: Number(reply[0]),
      buckets: pairs(take(request.buckets.length * 2)),
      pauses: take(request.pauses.length).map(Number),
      slots: take(request.slots.length).map(Number),
    };
    if (budget) {
      const [firstAttempts = 0, retries = 0, allowed = 0, left = 0] = take(4).map(Number);
      inspection.budget = { firstAttempts, retries, allowed, left };
    }
    if (request.backoffKey !== undefined) {
      const [value] = take(1);
      const [attempt, untilMs] = String(value).split(':').map(Number);
      if (attempt !== undefined && untilMs !== undefined && untilMs > inspection.nowMs) {
        inspection.backoff = { attempt, untilMs };
      }
    }
    if (request.successKey !== undefined) {
      const [value] = take(1);
      if (value !== '' && value !== undefined) inspection.lastSuccessMs = Number(value);
    }
    return inspection;
  }

  async close(): Promise<void> {
    if (!this.owned) return;
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  private async run(script: Script, keys: string[], args: Array<string | number>): Promise<Reply> {
    if (Date.now() < this.brokenUntil) {
      throw new BackendUnavailableError(
        'Redis policy store unavailable (failed recently; retrying shortly)',
      );
    }
    const prefixed = keys.map((key) => this.prefix + key);
    const call = async (): Promise<Reply> => {
      try {
        return (await this.redis.evalsha(
          script.sha,
          prefixed.length,
          ...prefixed,
          ...args,
        )) as Reply;
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return (await this.redis.eval(
          script.source,
          prefixed.length,
          ...prefixed,
          ...args,
        )) as Reply;
      }
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new BackendUnavailableError(`Redis did not answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([call(), timeout]);
    } catch (error) {
      // A script error is a bug in this package, not an outage: let it surface as it is.
      if (error instanceof Error && error.name === 'ReplyError' && /script/i.test(error.message)) {
        throw error;
      }
      const failure =
        error instanceof BackendUnavailableError
          ? error
          : new BackendUnavailableError(
              `Redis policy store unavailable: ${error instanceof Error ? error.message : String(error)}`,
            );
      this.brokenUntil = Date.now() + this.breakMs;
      this.onError(failure);
      throw failure;
    } finally {
      clearTimeout(timer);
    }
  }
}

function pairs(values: Array<string | number>): BucketState[] {
  const states: BucketState[] = [];
  for (let i = 0; i + 1 < values.length; i += 2) {
    states.push({ remaining: Number(values[i]), resetMs: Number(values[i + 1]) });
  }
  return states;
}
