/**
 * Codes a run can end with: one enum shared by the API, contracts and metrics. A `fail` node
 * may end a run with its own code as well (see {@link RunErrorCode}).
 */
export const RUN_ERROR_CODES = [
  'VALIDATION_FAILED',
  'SANDBOX_ERROR',
  'SANDBOX_TIMEOUT',
  'SANDBOX_MEMORY',
  'SANDBOX_OUTPUT_TOO_LARGE',
  'SANDBOX_CALL_BUDGET',
  'EGRESS_DENIED',
  'PARTNER_TRANSIENT',
  'PARTNER_PERMANENT',
  'PARTNER_TIMEOUT',
  'RATE_LIMITED',
  'RETRY_BUDGET_EXHAUSTED',
  'CONTRACT_UNMATCHED_REQUEST',
  'OUTPUT_SCHEMA_MISMATCH',
] as const;

/** A platform run error code. */
export type RunErrorCode = (typeof RUN_ERROR_CODES)[number];

/** Whether `code` is one of the platform's run error codes (rather than a `fail` node's own). */
export function isRunErrorCode(code: string): code is RunErrorCode {
  return (RUN_ERROR_CODES as readonly string[]).includes(code);
}
