// One enum of domain error codes; services throw DomainError and never an HTTP exception, because
// workers reuse the same services. The exception filter maps each code to a status.
export const DOMAIN_ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'TENANT_NOT_FOUND',
  'CONNECTOR_NOT_FOUND',
  'CONNECTOR_VERSION_NOT_FOUND',
  'INSTALLATION_NOT_FOUND',
  'ACTION_NOT_FOUND',
  'TRIGGER_NOT_FOUND',
  'RUN_NOT_FOUND',
  'BATCH_NOT_FOUND',
  'VERSION_EXISTS',
  'PUBLISH_REFUSED',
  'IDEMPOTENCY_CONFLICT',
  'INSTALLATION_DISABLED',
  'NO_MATCHING_VERSION',
  'WEBHOOK_SIGNATURE_INVALID',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'RUN_FAILED',
  'DEPENDENCY_UNAVAILABLE',
  'API_VERSION_UNKNOWN',
  'CONNECTOR_VERSION_SUNSET',
  'ROLLOUT_STATE_CONFLICT',
  'API_KEY_NOT_FOUND',
  'LAST_ADMIN_KEY',
  'INTERNAL',
] as const;

export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function notFound(code: DomainErrorCode, what: string, id: string): DomainError {
  return new DomainError(code, `${what} ${id} not found`, { id });
}
