import type { PolicyEventLike } from './run-observer.service.js';

/**
 * The egress policy is built before Nest (in main.ts buildCore, next to the engine), so it cannot
 * be handed the DI-managed observer. It is given `policyEvents.emit` as its `onEvent` instead, and
 * the observer subscribes once it exists; events before that (none in practice: no call runs
 * before the app is up) are dropped.
 */
export const policyEvents = {
  listener: undefined as ((event: PolicyEventLike) => void) | undefined,
  emit(event: PolicyEventLike): void {
    policyEvents.listener?.(event);
  },
};
