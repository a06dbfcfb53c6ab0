import { Inject, Injectable } from '@nestjs/common';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Observable } from 'rxjs';
import type { AuthedRequest } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { deprecationHeaders, DeprecationService } from './deprecation.service.js';
import type { InstallationEntity } from '../installations/installation.entity.js';
import { InstallationService } from '../installations/installation.service.js';

/** The Nest routes that do work through an installation's connector version. */
const WORK_ROUTES = new Set(['/v1/installations/:id/actions/:action']);

/**
 * Calls through an installation on a deprecated version answer with `Deprecation` and `Sunset`;
 * after the sunset they are refused, naming the version to move to. Runs after the key is
 * authenticated, and only for installations the caller can see, so it never tells a stranger
 * anything. The actions route reaches it through the interceptor below; the events route, a plain
 * Fastify route, calls it itself.
 */
@Injectable()
export class DeprecationGate {
  constructor(
    @Inject(InstallationService) private readonly installations: InstallationService,
    @Inject(DeprecationService) private readonly deprecations: DeprecationService,
  ) {}

  async admit(installationId: string, principal: Principal, reply: FastifyReply): Promise<void> {
    let installation: InstallationEntity;
    let status: Awaited<ReturnType<DeprecationService['versionStatusOf']>>;
    try {
      // The service's cached reads: this runs on the intake hot path. A missing or foreign
      // installation is left to the handler, which answers 404.
      installation = await this.installations.find(installationId, principal);
      status = await this.deprecations.versionStatusOf(installation);
    } catch {
      return;
    }
    if (!status.deprecation) return;
    for (const [name, value] of Object.entries(
      deprecationHeaders(status.deprecation, status.version),
    ))
      void reply.header(name, value);
    // Only a refusal names the version to move to, so only a refusal looks for it.
    if (status.sunset)
      throw this.deprecations.sunsetError(installation, {
        ...status,
        moveTo: await this.deprecations.successor(status.version),
      });
  }
}

@Injectable()
export class DeprecationInterceptor implements NestInterceptor {
  constructor(@Inject(DeprecationGate) private readonly gate: DeprecationGate) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const route = request.routeOptions?.url;
    if (!route || !WORK_ROUTES.has(route) || !request.principal) return next.handle();
    await this.gate.admit(
      (request.params as { id?: string }).id ?? '',
      request.principal,
      context.switchToHttp().getResponse<FastifyReply>(),
    );
    return next.handle();
  }
}
