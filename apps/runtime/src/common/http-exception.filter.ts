import { Catch, HttpException, Logger } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError } from './domain-error.js';
import type { DomainErrorCode } from './domain-error.js';

export function statusOf(code: DomainErrorCode): number {
  switch (code) {
    case 'VALIDATION_FAILED':
    case 'PUBLISH_REFUSED':
    case 'NO_MATCHING_VERSION':
      return 422;
    case 'UNAUTHENTICATED':
    case 'WEBHOOK_SIGNATURE_INVALID':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
    case 'TENANT_NOT_FOUND':
    case 'CONNECTOR_NOT_FOUND':
    case 'CONNECTOR_VERSION_NOT_FOUND':
    case 'INSTALLATION_NOT_FOUND':
    case 'ACTION_NOT_FOUND':
    case 'TRIGGER_NOT_FOUND':
    case 'RUN_NOT_FOUND':
    case 'BATCH_NOT_FOUND':
    case 'API_KEY_NOT_FOUND':
      return 404;
    case 'VERSION_EXISTS':
    case 'IDEMPOTENCY_CONFLICT':
    case 'INSTALLATION_DISABLED':
    case 'ROLLOUT_STATE_CONFLICT':
    case 'LAST_ADMIN_KEY':
      return 409;
    case 'API_VERSION_UNKNOWN':
      return 400;
    case 'CONNECTOR_VERSION_SUNSET':
      return 410;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'RATE_LIMITED':
      return 429;
    case 'RUN_FAILED':
      return 502;
    case 'DEPENDENCY_UNAVAILABLE':
      return 503;
    case 'INTERNAL':
      return 500;
  }
}

interface FastifyErrorLike {
  statusCode?: number;
  code?: string;
  message: string;
}

// Errors of the HTTP layer itself (body too large, bad JSON, unknown route) reach us as Nest or
// Fastify errors; they are translated into the same envelope.
function fromHttp(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 404) return new DomainError('NOT_FOUND', 'no such route');
    if (status === 413)
      return new DomainError('PAYLOAD_TOO_LARGE', 'the request body is over 10 MB');
    if (status === 400) return new DomainError('VALIDATION_FAILED', error.message, { errors: [] });
    if (status === 401) return new DomainError('UNAUTHENTICATED', error.message);
    if (status === 403) return new DomainError('FORBIDDEN', error.message);
  }
  const fastify = error as FastifyErrorLike;
  if (fastify && typeof fastify === 'object' && typeof fastify.statusCode === 'number') {
    if (fastify.statusCode === 413)
      return new DomainError('PAYLOAD_TOO_LARGE', 'the request body is over 10 MB');
    if (fastify.statusCode === 415) {
      return new DomainError('VALIDATION_FAILED', 'send the body as application/json', {
        errors: [],
      });
    }
    if (fastify.statusCode === 400) {
      return new DomainError(
        'VALIDATION_FAILED',
        `the body is not valid JSON: ${fastify.message}`,
        {
          errors: [{ pointer: '', code: 'INVALID_JSON', message: fastify.message }],
        },
      );
    }
  }
  return new DomainError('INTERNAL', 'internal error');
}

interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: { error: { code: DomainErrorCode; message: string; details?: unknown } };
}

/** Any error thrown while serving a request, as the status, headers and envelope it answers with. */
function errorReply(exception: unknown): ErrorReply {
  const error = fromHttp(exception);
  const headers: Record<string, string> = {};
  if (error.code === 'RATE_LIMITED') {
    const retryAfter = (error.details as { retryAfterSec?: number } | undefined)?.retryAfterSec;
    if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  }
  return {
    status: statusOf(error.code),
    headers,
    body: {
      error: {
        code: error.code,
        message: error.message,
        ...(error.details !== undefined ? { details: error.details } : {}),
      },
    },
  };
}

/** Answers with the error's envelope; a 5xx also goes to `log`, with the error's stack. */
export function sendError(
  reply: FastifyReply,
  error: unknown,
  log: (detail: string) => void,
): FastifyReply {
  const answer = errorReply(error);
  if (answer.status >= 500) {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
  return reply.status(answer.status).headers(answer.headers).send(answer.body);
}

@Catch()
export class DomainExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void sendError(reply, exception, (detail) => this.logger.error(`request failed: ${detail}`));
  }
}
