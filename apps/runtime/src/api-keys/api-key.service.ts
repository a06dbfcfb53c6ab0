import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { Principal, Scope } from '../auth/principal.js';
import { hasScope, isPlatformAdmin } from '../auth/principal.js';
import { DomainError } from '../common/domain-error.js';
import { newId, randomToken, sha256 } from '../common/ids.js';
import { RUNTIME_CONFIG } from '../config/config.js';
import type { RuntimeConfig } from '../config/config.js';
import { TenantService } from '../tenants/tenant.service.js';
import { ApiKeyRepository } from './api-key.repository.js';

export interface CreatedKey {
  id: string;
  key: string;
  scopes: Scope[];
  tenantId: string | null;
  name: string | null;
}

const KEY_PATTERN = /^pb_([a-z0-9]+)_([A-Za-z0-9_-]+)$/;

function equalHashes(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

@Injectable()
export class ApiKeyService {
  private readonly cache = new Map<string, { principal: Principal; hash: string; at: number }>();
  /** The configured admin key's hash, made once: every request's key is compared with it. */
  private readonly adminHash: string | undefined;

  constructor(
    @Inject(ApiKeyRepository) private readonly keys: ApiKeyRepository,
    @Inject(TenantService) private readonly tenants: TenantService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
  ) {
    this.adminHash = config.adminKey === undefined ? undefined : sha256(config.adminKey);
  }

  async create(
    input: { tenantId?: string; scopes: Scope[]; name?: string },
    principal: Principal,
    correlationId?: string,
  ): Promise<CreatedKey> {
    let tenantId: string | null;
    if (isPlatformAdmin(principal)) {
      tenantId = input.tenantId ?? null;
    } else if (principal.tenantId !== null && hasScope(principal, 'admin')) {
      // A tenant admin mints keys for its own tenant only; naming another tenant reads as "not found".
      if (input.tenantId !== undefined && input.tenantId !== principal.tenantId) {
        throw new DomainError('TENANT_NOT_FOUND', `tenant ${input.tenantId} not found`, {
          id: input.tenantId,
        });
      }
      tenantId = principal.tenantId;
    } else {
      throw new DomainError('FORBIDDEN', 'creating API keys needs the admin scope');
    }
    if (tenantId !== null && !(await this.tenants.exists(tenantId))) {
      throw new DomainError('TENANT_NOT_FOUND', `tenant ${tenantId} not found`, { id: tenantId });
    }
    return this.mint(
      { tenantId, scopes: input.scopes, name: input.name ?? null },
      principal,
      correlationId,
    );
  }

  private async mint(
    input: { tenantId: string | null; scopes: Scope[]; name: string | null },
    principal: Principal | 'system',
    correlationId?: string,
  ): Promise<CreatedKey> {
    const id = newId('key').slice(4, 20).toLowerCase();
    const secret = randomToken(24);
    const key = `pb_${id}_${secret}`;
    await this.keys.transaction(async (manager) => {
      await this.keys.insert(
        {
          id,
          tenantId: input.tenantId,
          name: input.name,
          secretHash: sha256(secret),
          scopes: input.scopes,
          createdBy: principal === 'system' ? 'system' : principal.keyId,
          createdAt: Date.now(),
          revokedAt: null,
        },
        manager,
      );
      await this.audit.record(
        {
          actor: principal,
          tenantId: input.tenantId,
          action: 'api-key.created',
          targetType: 'api-key',
          targetId: id,
          details: { scopes: input.scopes, name: input.name },
          correlationId,
        },
        manager,
      );
    });
    return { id, key, scopes: input.scopes, tenantId: input.tenantId, name: input.name };
  }

  /** At first start (no platform key stored, none configured) creates one; the caller prints it once. */
  async ensureAdminKey(): Promise<CreatedKey | null> {
    if (this.config.adminKey) return null;
    if ((await this.keys.countPlatformAdmins()) > 0) return null;
    return this.mint({ tenantId: null, scopes: ['admin'], name: 'first-start admin' }, 'system');
  }

  async authenticate(presented: string): Promise<Principal> {
    const match = KEY_PATTERN.exec(presented);
    // The usual request: a stored key seen in the last 30 s, answered from memory with one hash.
    const hash = match ? sha256(match[2]!) : undefined;
    const cached = match ? this.cache.get(match[1]!) : undefined;
    if (cached && hash && Date.now() - cached.at < 30_000 && equalHashes(cached.hash, hash))
      return cached.principal;
    if (this.adminHash !== undefined && equalHashes(sha256(presented), this.adminHash)) {
      return { keyId: 'env-admin', tenantId: null, scopes: ['admin'] };
    }
    if (!match || !hash)
      throw new DomainError(
        'UNAUTHENTICATED',
        'the API key is malformed: expected pb_<id>_<secret>',
      );
    const id = match[1]!;
    const stored = await this.keys.find(id);
    if (!stored || stored.revokedAt !== null || !equalHashes(stored.secretHash, hash)) {
      throw new DomainError('UNAUTHENTICATED', 'the API key is unknown or revoked');
    }
    const principal: Principal = {
      keyId: stored.id,
      tenantId: stored.tenantId,
      scopes: stored.scopes as Scope[],
    };
    this.cache.set(id, { principal, hash, at: Date.now() });
    return principal;
  }
}
