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
    // Callback-style hooks: on every request, a promise-returning hook costs Fastify a promise and
    // a turn of the microtask queue more.
    instance.addHook('onRequest', (request: VersionedRequest, reply, done) => {
      const asked = request.headers[HEADER];
      const value = Array.isArray(asked) ? asked[0] : asked;
      if (value === undefined || value === '') {
        request.apiVersion = LATEST_API_VERSION;
      } else if (isApiVersion(value.trim())) {
        request.apiVersion = value.trim() as ApiVersion;
      } else {
        // Answered here: the request goes no further, so done is not called.
        void reply
          .header(HEADER, LATEST_API_VERSION)
          .status(400)
          .send({
            error: {
              code: 'API_VERSION_UNKNOWN',
              message: `Plugboard-Version "${value}" is not supported: send one of ${API_VERSIONS.join(', ')} (or none for ${LATEST_API_VERSION})`,
              details: { supported: API_VERSIONS, latest: LATEST_API_VERSION },
            },
          });
        return;
      }
      void reply.header(HEADER, request.apiVersion);
      done();
    });
    instance.addHook(
      'preSerialization',
      (
        request: VersionedRequest,
        _reply,
        payload: unknown,
        done: (error: null, value: unknown) => void,
      ) => {
        const version = request.apiVersion ?? LATEST_API_VERSION;
        // routeOptions builds a new object on every read: only an older version needs the route.
        const route = version === LATEST_API_VERSION ? undefined : request.routeOptions?.url;
        done(null, route ? shapeFor(payload, route, version) : payload);
      },
    );
  }
}
