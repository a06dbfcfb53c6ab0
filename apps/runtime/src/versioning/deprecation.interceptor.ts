import { Inject, Injectable } from '@nestjs/common';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Observable } from 'rxjs';
import type { AuthedRequest } from '../auth/auth.decorators.js';
import { deprecationHeaders, DeprecationService } from './deprecation.service.js';
import type { InstallationEntity } from '../installations/installation.entity.js';
import { InstallationService } from '../installations/installation.service.js';

/** The routes that do work through an installation's connector version. */
const WORK_ROUTES = new Set([
  '/v1/installations/:id/actions/:action',
  '/v1/installations/:id/events',
]);

/**
 * Calls through an installation on a deprecated version answer with `Deprecation` and `Sunset`;
 * after the sunset they are refused, naming the version to move to. Runs after the auth guard, and
 * only for installations the caller can see, so it never tells a stranger anything.
 */
@Injectable()
export class DeprecationInterceptor implements NestInterceptor {
  constructor(
    @Inject(InstallationService) private readonly installations: InstallationService,
    @Inject(DeprecationService) private readonly deprecations: DeprecationService,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const route = request.routeOptions?.url;
    if (!route || !WORK_ROUTES.has(route) || !request.principal) return next.handle();
    const id = (request.params as { id?: string }).id ?? '';
    let installation: InstallationEntity;
    let status: Awaited<ReturnType<DeprecationService['statusOf']>>;
    try {
      // The service's cached read: this runs on the intake hot path. A missing or foreign
      // installation is left to the handler, which answers 404.
      installation = await this.installations.find(id, request.principal);
      status = await this.deprecations.statusOf(installation);
    } catch {
      return next.handle();
    }
    if (!status.deprecation) return next.handle();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    for (const [name, value] of Object.entries(
      deprecationHeaders(status.deprecation, status.version),
    ))
      void reply.header(name, value);
    if (status.sunset) throw this.deprecations.sunsetError(installation, status);
    return next.handle();
  }
}
