import { Inject, Injectable } from '@nestjs/common';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { frontDoorHeaders } from '@plugboard/policies';
import type { FrontDoorDecision, FrontDoorLimiter } from '@plugboard/policies';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { Observable } from 'rxjs';
import type { AuthedRequest } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { DomainError } from '../common/domain-error.js';
import { LOGGER } from '../common/logger.js';
import { InstallationService } from '../installations/installation.service.js';
import { FRONT_DOOR } from '../platform/egress-policy.js';

/** The intake routes: work that enters the system. Reads, replays and admin routes are not limited. */
const INTAKE_ROUTES = new Set([
  '/v1/installations/:id/events',
  '/v1/installations/:id/actions/:action',
  '/hooks/:installationId/:trigger',
]);

// Only reads which tenant owns an installation; it never leaves this file.
const LOOKUP: Principal = { keyId: 'front-door', tenantId: null, scopes: ['admin'] };

interface Subject {
  key: string;
  tenantId: string | undefined;
}

/**
 * The front door: per API key and per tenant limits on the intake routes, checked after the key
 * is authenticated and before the body is validated or stored. A webhook has no API key: its
 * installation stands in for one, and it counts against the tenant that owns the installation.
 * Every answer of these routes carries RateLimit-Limit, -Remaining and -Reset; a refusal is 429
 * RATE_LIMITED with Retry-After and costs no tokens. The Nest routes reach it through the
 * interceptor below; the events route, a plain Fastify route, calls it itself.
 */
@Injectable()
export class FrontDoorGate {
  private fallbackLogged = false;

  constructor(
    @Inject(FRONT_DOOR) private readonly limiter: FrontDoorLimiter | null,
    @Inject(InstallationService) private readonly installations: InstallationService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Counts one request of `route` (a route pattern); throws RATE_LIMITED when over a limit. */
  async admit(
    route: string,
    params: { id?: string; installationId?: string },
    principal: Principal | undefined,
    reply: FastifyReply,
  ): Promise<void> {
    if (!this.limiter || !INTAKE_ROUTES.has(route)) return;
    const subject = await this.subjectOf(route, params, principal);
    if (!subject) return;
    const decision = await this.limiter.check(subject.key, subject.tenantId);
    this.noteFallback(decision, String(reply.request.id));
    void reply.headers(frontDoorHeaders(decision));
    if (!decision.allowed) {
      throw new DomainError(
        'RATE_LIMITED',
        `too many intake requests: ${decision.limit} allowed per window for this ${subject.key.startsWith('hook:') ? 'installation' : 'API key'} or its tenant; retry after ${decision.retryAfterSec} s`,
        {
          retryAfterSec: decision.retryAfterSec,
          limit: decision.limit,
          resetSec: decision.resetSec,
        },
      );
    }
  }

  private async subjectOf(
    route: string,
    params: { id?: string; installationId?: string },
    principal: Principal | undefined,
  ): Promise<Subject | null> {
    if (route.startsWith('/hooks/')) {
      const id = params.installationId ?? '';
      const tenantId = await this.tenantOf(id);
      // An unknown installation is answered 404 by the route itself; nothing to count it against.
      return tenantId === null ? null : { key: `hook:${id}`, tenantId };
    }
    if (!principal) return null;
    const tenantId = principal.tenantId ?? (await this.tenantOf(params.id ?? ''));
    return { key: principal.keyId, tenantId: tenantId ?? undefined };
  }

  private async tenantOf(installationId: string): Promise<string | null> {
    try {
      return (await this.installations.find(installationId, LOOKUP)).tenantId;
    } catch (error) {
      if (error instanceof DomainError && error.code === 'INSTALLATION_NOT_FOUND') return null;
      throw error;
    }
  }

  private noteFallback(decision: FrontDoorDecision, correlationId: string): void {
    if (decision.source === 'fallback' && !this.fallbackLogged) {
      this.fallbackLogged = true;
      // Named here: the events route runs outside the log context.
      this.logger.warn(
        { correlationId },
        'the front-door limits fell back to this process (Redis unreachable): each API process now limits on its own',
      );
    } else if (decision.source === 'backend') this.fallbackLogged = false;
  }
}

/** The front door for the intake routes Nest serves (actions and webhooks). */
@Injectable()
export class FrontDoorInterceptor implements NestInterceptor {
  constructor(@Inject(FrontDoorGate) private readonly gate: FrontDoorGate) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const route = request.routeOptions?.url;
    if (request.method !== 'POST' || !route) return next.handle();
    await this.gate.admit(
      route,
      (request.params ?? {}) as { id?: string; installationId?: string },
      request.principal,
      context.switchToHttp().getResponse<FastifyReply>(),
    );
    return next.handle();
  }
}
