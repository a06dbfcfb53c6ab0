export const SANDBOX_ERROR_CODES = [
  'SANDBOX_ERROR',
  'SANDBOX_TIMEOUT',
  'SANDBOX_MEMORY',
  'SANDBOX_OUTPUT_TOO_LARGE',
  'SANDBOX_CALL_BUDGET',
] as const;

export type SandboxErrorCode = (typeof SANDBOX_ERROR_CODES)[number];

/**
 * Why a run failed. `details` is JSON-able; for SANDBOX_ERROR it carries what the isolate said
 * about the thrown value (`name`, `code` when the value had one, `details`), and for runs that
 * lost their isolate to another run's breach, `reason: 'isolate-replaced'` and the `cause`.
 */
export interface SandboxErrorDetails {
  key?: string;
  entry?: string;
  name?: string;
  code?: string;
  details?: unknown;
  limit?: number;
  reason?: 'isolate-replaced' | 'pool-disposed' | 'bootstrap-failed';
  cause?: SandboxErrorCode;
}

export class SandboxError extends Error {
  override readonly name = 'SandboxError';

  constructor(
    readonly code: SandboxErrorCode,
    message: string,
    readonly details?: SandboxErrorDetails,
  ) {
    super(message);
  }

  toJSON(): { code: SandboxErrorCode; message: string; details?: SandboxErrorDetails } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}
