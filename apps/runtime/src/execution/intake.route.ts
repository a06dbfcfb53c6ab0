import { Inject, Injectable, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ApiKeyService } from '../api-keys/api-key.service.js';
import type { AuthedRequest } from '../auth/auth.decorators.js';
import { presentedKey, requireScope } from '../auth/auth.guard.js';
import { sendError } from '../common/http-exception.filter.js';
import { LOGGER } from '../common/logger.js';
import { FrontDoorGate } from '../policies/front-door.interceptor.js';
import { DeprecationGate } from '../versioning/deprecation.interceptor.js';
import { IntakeService } from './intake.service.js';

export const EVENTS_ROUTE = '/v1/installations/:id/events';

const eventSchema = {
  type: 'object',
  required: ['action'],
  properties: {
    action: { type: 'string' },
    data: {},
    id: { type: 'string' },
    schemaVersion: { type: 'string' },
  },
};

/** The events route in the OpenAPI document (Nest documents only the routes it serves). */
export const EVENTS_OPENAPI = {
  post: {
    tags: ['execution'],
    summary: 'Asynchronous events (one, or {events: [...]} up to 1000); 202 after the commit',
    operationId: 'ExecutionController_events',
    security: [{ bearer: [] }],
    parameters: [
      { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'idempotency-key', in: 'header', required: false, schema: { type: 'string' } },
      {
        name: 'plugboard-schema-version',
        in: 'header',
        required: false,
        schema: { type: 'string' },
      },
    ],
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: {
            oneOf: [
              eventSchema,
              {
                type: 'object',
                required: ['events'],
                properties: { events: { type: 'array', items: eventSchema, maxItems: 1000 } },
              },
            ],
          },
        },
      },
    },
    responses: {
      '202': { description: 'Committed: one answer per event (accepted, duplicate or rejected)' },
      '422': { description: 'No event was valid' },
    },
  },
};

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * `POST /v1/installations/:id/events`, the intake hot path, as a plain Fastify route: the same
 * steps as a Nest route (key and scope, front door, deprecation, then intake), in the same order,
 * through the same services, and the same error envelope, without Nest's per-request
 * guard/interceptor/pipe machinery, which cost as much as the commit itself. The runtime's Fastify
 * hooks (correlation id, API version, request log and metrics) apply to it like to every route,
 * except the log context, which it does not open: its lines carry the correlation id themselves.
 * Registered while Nest builds its providers, before it declares its own routes.
 */
@Injectable()
export class IntakeRoute {
  constructor(
    @Inject(ApiKeyService) private readonly keys: ApiKeyService,
    @Inject(FrontDoorGate) private readonly frontDoor: FrontDoorGate,
    @Inject(DeprecationGate) private readonly deprecation: DeprecationGate,
    @Inject(IntakeService) private readonly intake: IntakeService,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(HttpAdapterHost) adapterHost?: HttpAdapterHost,
  ) {
    const instance = adapterHost?.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!instance || typeof instance.route !== 'function') return;
    instance.route({
      method: 'POST',
      url: EVENTS_ROUTE,
      handler: (request, reply) => this.handle(request as AuthedRequest, reply),
      errorHandler: (error: FastifyError, _request, reply) => this.fail(error, reply),
    });
  }

  private async handle(request: AuthedRequest, reply: FastifyReply): Promise<unknown> {
    const principal = await this.keys.authenticate(presentedKey(request.headers));
    request.principal = principal;
    requireScope(principal, ['events:write']);
    const params = request.params as { id: string };
    await this.frontDoor.admit(EVENTS_ROUTE, params, principal, reply);
    await this.deprecation.admit(params.id, principal, reply);
    const answer = await this.intake.accept(
      params.id,
      request.body,
      {
        idempotencyKey: header(request, 'idempotency-key'),
        schemaVersion: header(request, 'plugboard-schema-version'),
      },
      principal,
      request.correlationId ?? String(request.id),
    );
    void reply.status(answer.status);
    if (answer.replayed) void reply.header('idempotent-replayed', 'true');
    return answer.body;
  }

  private fail(error: unknown, reply: FastifyReply): FastifyReply {
    return sendError(reply, error, (detail) =>
      this.logger.error(
        // The events route runs outside the log context (see main.ts), so its lines name the id.
        { err: detail, correlationId: String(reply.request.id) },
        'request failed',
      ),
    );
  }
}
