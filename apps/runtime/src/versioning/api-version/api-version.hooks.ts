import { Inject, Injectable, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { API_VERSIONS, isApiVersion, LATEST_API_VERSION, shapeFor } from './api-versions.js';
import type { ApiVersion } from './api-versions.js';

const HEADER = 'plugboard-version';

type VersionedRequest = FastifyRequest & { apiVersion?: ApiVersion };

/**
 * `Plugboard-Version` negotiation as Fastify hooks, so every response (errors, 404s and the
 * refusals of the auth guard included) says the version it was shaped for. Registered while Nest
 * builds its providers, before any route is declared, so the hooks cover every route.
 */
@Injectable()
export class ApiVersionHooks {
  constructor(@Optional() @Inject(HttpAdapterHost) adapterHost?: HttpAdapterHost) {
    const instance = adapterHost?.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!instance || typeof instance.addHook !== 'function') return;
    instance.addHook('onRequest', async (request: VersionedRequest, reply) => {
      const asked = request.headers[HEADER];
      const value = Array.isArray(asked) ? asked[0] : asked;
      if (value === undefined || value === '') {
        request.apiVersion = LATEST_API_VERSION;
      } else if (isApiVersion(value.trim())) {
        request.apiVersion = value.trim() as ApiVersion;
      } else {
        void reply.header(HEADER, LATEST_API_VERSION);
        return reply.status(400).send({
          error: {
            code: 'API_VERSION_UNKNOWN',
            message: `Plugboard-Version "${value}" is not supported: send one of ${API_VERSIONS.join(', ')} (or none for ${LATEST_API_VERSION})`,
            details: { supported: API_VERSIONS, latest: LATEST_API_VERSION },
          },
        });
      }
      void reply.header(HEADER, request.apiVersion);
      return undefined;
    });
    instance.addHook('preSerialization', async (request: VersionedRequest, _reply, payload) => {
      const version = request.apiVersion ?? LATEST_API_VERSION;
      const route = request.routeOptions?.url;
      if (version === LATEST_API_VERSION || !route) return payload;
      return shapeFor(payload, route, version);
    });
  }
}
