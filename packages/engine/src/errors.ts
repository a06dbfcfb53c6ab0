// The one map from a run error code to its class. Retries, alerts and replay all read this label,
// so nothing else in the engine decides whether an error is permanent, transient or system.

export type ErrorClass = 'permanent' | 'transient' | 'system';

/** Run error codes the engine itself produces (DESIGN.md's enum). A `fail` node adds its own. */
export type EngineErrorCode =
  | 'VALIDATION_FAILED'
  | 'SANDBOX_ERROR'
  | 'SANDBOX_TIMEOUT'
  | 'SANDBOX_MEMORY'
  | 'SANDBOX_OUTPUT_TOO_LARGE'
  | 'SANDBOX_CALL_BUDGET'
  | 'EGRESS_DENIED'
  | 'PARTNER_TRANSIENT'
  | 'PARTNER_PERMANENT'
  | 'PARTNER_TIMEOUT'
  | 'RATE_LIMITED'
  | 'RETRY_BUDGET_EXHAUSTED'
  | 'CONTRACT_UNMATCHED_REQUEST'
  | 'OUTPUT_SCHEMA_MISMATCH'
  | 'ENGINE_ERROR';

const CLASSES: Record<EngineErrorCode, ErrorClass> = {
  VALIDATION_FAILED: 'permanent',
  // Connector code that throws will throw again on the same input.
  SANDBOX_ERROR: 'permanent',
  // Wall time includes partner latency, so a later attempt can finish in time.
  SANDBOX_TIMEOUT: 'transient',
  SANDBOX_MEMORY: 'permanent',
  SANDBOX_OUTPUT_TOO_LARGE: 'permanent',
  SANDBOX_CALL_BUDGET: 'permanent',
  EGRESS_DENIED: 'permanent',
  PARTNER_TRANSIENT: 'transient',
  PARTNER_PERMANENT: 'permanent',
  PARTNER_TIMEOUT: 'transient',
  RATE_LIMITED: 'transient',
  // The budget refills as successful traffic flows; the item is re-queued, not dropped.
  RETRY_BUDGET_EXHAUSTED: 'transient',
  CONTRACT_UNMATCHED_REQUEST: 'permanent',
  OUTPUT_SCHEMA_MISMATCH: 'permanent',
  // The engine failed, not the connector or the partner: operators, not authors, must look.
  ENGINE_ERROR: 'system',
};

/**
 * Classifies a run error code. Codes outside the engine's enum are a `fail` node's (or an `outcomes`
 * rule's) own and are permanent: DESIGN.md defines `fail` as raising a permanent error.
 */
export function classifyError(code: string): ErrorClass {
  return Object.hasOwn(CLASSES, code) ? CLASSES[code as EngineErrorCode] : 'permanent';
}

/** An error carrying a run error code; what the host side throws and catches. */
export class EngineError extends Error {
  override readonly name = 'EngineError';

  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function isCoded(
  error: unknown,
): error is { code: string; message: string; details?: unknown } {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}
