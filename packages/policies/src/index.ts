export * from './policy.js';
export * from './backend.js';
export { systemClock, ManualClock, type Clock } from './clock.js';
export { MemoryBackend, type MemoryBackendOptions } from './memory-backend.js';
export { RedisBackend, type RedisBackendOptions } from './redis-backend.js';
export {
  createEgressPolicy,
  backoffDelay,
  type EgressPolicyOptions,
  type Policy,
  type PolicyEvent,
  type PolicyState,
  type LayerState,
} from './egress-policy.js';
export {
  DEFAULT_RETRY,
  planCall,
  partnerBucket,
  quotaBucket,
  retrySettings,
  tighter,
  type CallPlan,
  type Layer,
  type LayerName,
  type RetrySettings,
} from './limits.js';
export {
  parseRetryAfter,
  readPartnerQuota,
  retryAfterFromHeaders,
  type PartnerQuota,
} from './headers.js';
export * from './batcher.js';
export * from './front-door.js';
export { createPolicies, type Policies, type PoliciesOptions } from './policies.js';
