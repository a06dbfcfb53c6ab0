import { DomainError } from '../common/domain-error.js';

export const SCOPES = [
  'admin',
  'catalog:read',
  'catalog:publish',
  'installations:read',
  'installations:write',
  'actions:invoke',
  'events:write',
  'runs:read',
  'runs:replay',
] as const;

export type Scope = (typeof SCOPES)[number];

/** Who is calling: a platform admin (tenantId null, scope admin) or a key bound to one tenant. */
export interface Principal {
  keyId: string;
  tenantId: string | null;
  scopes: Scope[];
}

export function isPlatformAdmin(principal: Principal): boolean {
  return principal.tenantId === null && principal.scopes.includes('admin');
}

export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes.includes('admin') || principal.scopes.includes(scope);
}

/**
 * The tenant a request acts in. A tenant key always acts in its own tenant; a platform admin names
 * one. Objects of another tenant are reported as missing (404), never as forbidden.
 */
export function tenantScope(principal: Principal): string | null {
  return principal.tenantId;
}

export function canSee(principal: Principal, tenantId: string | null): boolean {
  return principal.tenantId === null || principal.tenantId === tenantId;
}

export function requireTenantFor(principal: Principal, requested: string | undefined): string {
  if (principal.tenantId !== null) {
    if (requested !== undefined && requested !== principal.tenantId) {
      throw new DomainError('TENANT_NOT_FOUND', `tenant ${requested} not found`, { id: requested });
    }
    return principal.tenantId;
  }
  if (!requested) {
    throw new DomainError('VALIDATION_FAILED', 'a platform admin key must name the tenantId', {
      errors: [{ pointer: '/tenantId', code: 'REQUIRED', message: 'is required for an admin key' }],
    });
  }
  return requested;
}
