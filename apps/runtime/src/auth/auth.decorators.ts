import { SetMetadata, createParamDecorator } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal, Scope } from './principal.js';

export const SCOPES_KEY = 'plugboard:scopes';
export const PUBLIC_KEY = 'plugboard:public';

/** The route needs any one of these scopes (admin implies all). */
export const RequireScopes = (...scopes: Scope[]) => SetMetadata(SCOPES_KEY, scopes);
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export interface AuthedRequest extends FastifyRequest {
  principal?: Principal;
  correlationId?: string;
}

export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal => {
    const request = ctx.switchToHttp().getRequest<AuthedRequest>();
    if (!request.principal) throw new Error('CurrentPrincipal used on a public route');
    return request.principal;
  },
);

export const CorrelationId = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): string => {
    const request = ctx.switchToHttp().getRequest<AuthedRequest>();
    return request.correlationId ?? String(request.id);
  },
);
