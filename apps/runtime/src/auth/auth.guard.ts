import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeyService } from '../api-keys/api-key.service.js';
import { DomainError } from '../common/domain-error.js';
import { PUBLIC_KEY, SCOPES_KEY } from './auth.decorators.js';
import type { AuthedRequest } from './auth.decorators.js';
import { hasScope } from './principal.js';
import type { Principal, Scope } from './principal.js';

/** The key a request presents, as `Authorization: Bearer pb_...` or `X-Api-Key`. */
export function presentedKey(headers: IncomingHttpHeaders): string {
  const header = headers.authorization;
  const apiKeyHeader = headers['x-api-key'];
  let presented: string | undefined;
  if (typeof header === 'string' && /^bearer\s+/i.test(header))
    presented = header.replace(/^bearer\s+/i, '').trim();
  else if (typeof apiKeyHeader === 'string') presented = apiKeyHeader.trim();
  if (!presented) {
    throw new DomainError(
      'UNAUTHENTICATED',
      'send an API key as "Authorization: Bearer pb_..." or "X-Api-Key"',
    );
  }
  return presented;
}

/** Refuses a principal that holds none of the scopes a route needs. */
export function requireScope(principal: Principal, needed: readonly Scope[]): void {
  if (!needed.some((scope) => hasScope(principal, scope))) {
    throw new DomainError(
      'FORBIDDEN',
      `this key lacks the scope: needs one of ${needed.join(', ')}`,
      {
        needed,
      },
    );
  }
}

/** Every route needs a key unless marked @Public(); the key is `Authorization: Bearer` or `X-Api-Key`. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ApiKeyService) private readonly keys: ApiKeyService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const principal = await this.keys.authenticate(presentedKey(request.headers));
    request.principal = principal;
    requireScope(
      principal,
      this.reflector.getAllAndOverride<Scope[] | undefined>(SCOPES_KEY, targets) ?? ['admin'],
    );
    return true;
  }
}
