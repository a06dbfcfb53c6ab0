import type { Platform } from './ports.js';

/**
 * The seam where packages/policies plugs in: the engine gets its EgressPolicy from this provider.
 * Until the layered policies land (traffic-policies issue) it is the pass-through policy, which
 * imposes no limits and leaves retries to the dispatcher's item-level redelivery.
 */
export const EGRESS_POLICY = Symbol('EGRESS_POLICY');

export function egressPolicyFactory(platform: Platform): unknown {
  return platform.policies.passThroughPolicy;
}
