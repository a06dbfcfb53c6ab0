// One call for the runtime: the backend of its mode, the egress policy and the front door limiter.
import type { Redis } from 'ioredis';
import type { PolicyBackend } from './backend.js';
import { createEgressPolicy, type EgressPolicyOptions, type Policy } from './egress-policy.js';
import {
  createFrontDoorLimiter,
  type FrontDoorLimiter,
  type FrontDoorOptions,
} from './front-door.js';
import { MemoryBackend } from './memory-backend.js';
import { RedisBackend, type RedisBackendOptions } from './redis-backend.js';

export interface PoliciesOptions {
  /** Cluster mode: limits in this Redis, shared by every process. Embedded mode when absent. */
  redisUrl?: string;
  /** Or an existing ioredis client (left open by `close()`). */
  redis?: Redis;
  redisOptions?: Omit<RedisBackendOptions, 'url' | 'redis'>;
  egress?: Omit<EgressPolicyOptions, 'backend'>;
  frontDoor?: Omit<FrontDoorOptions, 'backend'>;
}

export interface Policies {
  backend: PolicyBackend;
  egress: Policy;
  frontDoor: FrontDoorLimiter;
  close(): Promise<void>;
}

export function createPolicies(options: PoliciesOptions = {}): Policies {
  const backend: PolicyBackend =
    options.redis || options.redisUrl !== undefined
      ? new RedisBackend({
          ...options.redisOptions,
          ...(options.redis ? { redis: options.redis } : { url: options.redisUrl }),
        })
      : new MemoryBackend();
  return {
    backend,
    egress: createEgressPolicy({ ...options.egress, backend }),
    frontDoor: createFrontDoorLimiter({ ...options.frontDoor, backend }),
    close: () => backend.close(),
  };
}
