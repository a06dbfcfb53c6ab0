import type { Policies, PolicyEvent } from '@plugboard/policies';
import type { RuntimeConfig } from '../config/config.js';
import type { Platform } from './ports.js';

/**
 * The seam where packages/policies plugs in: the engine gets its EgressPolicy from this provider,
 * the front door its limiter from FRONT_DOOR. Embedded mode keeps every limit in this process's
 * memory; cluster mode keeps them in Redis, so API and worker processes draw from the same
 * buckets, slots, pauses and retry budgets.
 */
export const EGRESS_POLICY = Symbol('EGRESS_POLICY');
export const FRONT_DOOR = Symbol('FRONT_DOOR');

export interface RuntimePolicies {
  /** `createPolicies().egress`: memory buckets in embedded mode, Redis in cluster mode. */
  egress: unknown;
  frontDoor: Policies['frontDoor'] | null;
  close(): Promise<void>;
}

export function createRuntimePolicies(
  platform: Platform,
  config: RuntimeConfig,
  onEvent: (event: PolicyEvent) => void,
): RuntimePolicies {
  const window = config.frontDoorWindowMs;
  const policies = platform.policies.createPolicies({
    ...(config.mode === 'cluster' && config.redisUrl ? { redisUrl: config.redisUrl } : {}),
    egress: {
      maxWaitMs: config.egressMaxWaitMs,
      maxRetryAfterMs: config.egressMaxRetryHoldMs,
      safetyMargin: config.egressSafetyMargin,
      leaseMs: config.egressLeaseMs,
      defaults: { partnerConcurrency: config.partnerConcurrency },
      onEvent,
    },
    frontDoor: {
      ...(config.frontDoorKeyLimit > 0
        ? { perKey: { requests: config.frontDoorKeyLimit, perMs: window } }
        : {}),
      ...(config.frontDoorTenantLimit > 0
        ? { perTenant: { requests: config.frontDoorTenantLimit, perMs: window } }
        : {}),
    },
  });
  return { egress: policies.egress, frontDoor: policies.frontDoor, close: () => policies.close() };
}
