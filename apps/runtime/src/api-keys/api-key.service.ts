import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { OnModuleDestroy } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { Principal, Scope } from '../auth/principal.js';
import { hasScope, isPlatformAdmin } from '../auth/principal.js';
import { DomainError } from '../common/domain-error.js';
import { newId, randomToken, sha256 } from '../common/ids.js';
import { RUNTIME_CONFIG } from '../config/config.js';
import type { RuntimeConfig } from '../config/config.js';
import { TenantService } from '../tenants/tenant.service.js';
import type { ApiKeyEntity } from './api-key.entity.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { KEY_REVOCATIONS } from './key-revocations.js';
import type { KeyRevocations } from './key-revocations.js';
import { iso } from '../common/iso.js';

/** A stored key as the API shows it: never its secret or the secret's hash. */
export interface KeyView {
  id: string;
  tenantId: string | null;
  name: string | null;
  scopes: Scope[];
  createdAt: string;
  createdBy: string | null;
  revokedAt: string | null;
}

function viewOf(key: ApiKeyEntity): KeyView {
  return {
    id: key.id,
    tenantId: key.tenantId,
    name: key.name,
    scopes: key.scopes as Scope[],
    createdAt: iso(key.createdAt),
    createdBy: key.createdBy,
    revokedAt: iso(key.revokedAt),
  };
}

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
export class ApiKeyService implements OnModuleDestroy {
  private readonly cache = new Map<string, { principal: Principal; hash: string; at: number }>();
  /** The configured admin key's hash, made once: every request's key is compared with it. */
  private readonly adminHash: string | undefined;

  constructor(
    @Inject(ApiKeyRepository) private readonly keys: ApiKeyRepository,
    @Inject(TenantService) private readonly tenants: TenantService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
    @Optional() @Inject(KEY_REVOCATIONS) private readonly revocations?: KeyRevocations | null,
  ) {
    this.adminHash = config.adminKey === undefined ? undefined : sha256(config.adminKey);
    // A key another process revoked leaves this process's cache at once, not in up to 30 s.
    revocations?.subscribe((keyId) => this.cache.delete(keyId));
  }

  async onModuleDestroy(): Promise<void> {
    await this.revocations?.close();
  }

  async create(
    input: { tenantId?: string; scopes: Scope[]; name?: string },
    principal: Principal,
    correlationId?: string,
  ): Promise<CreatedKey> {
    // A platform admin mints keys for any tenant (or platform keys), a tenant admin for its own.
    const tenantId = this.administered(principal, input.tenantId) ?? null;
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

  /** The keys the caller administers: a platform admin every key (or one tenant's), a tenant admin its own tenant's. */
  async list(principal: Principal, tenantId?: string): Promise<{ keys: KeyView[] }> {
    const scope = this.administered(principal, tenantId);
    return { keys: (await this.keys.list(scope)).map(viewOf) };
  }

  /**
   * Revokes a key: it is refused from this moment in this process, and in the other processes of a
   * cluster as soon as they hear of it over Redis (or, with Redis unreachable, once their 30 s
   * cache of it runs out). Revoking a revoked key changes nothing. The last
   * platform admin key stays unless PLUGBOARD_ADMIN_KEY is set, so the runtime never locks its
   * operator out.
   */
  async revoke(id: string, principal: Principal, correlationId?: string): Promise<KeyView> {
    const key = await this.keys.find(id);
    const scope = this.administered(principal, undefined);
    if (!key || (scope !== undefined && key.tenantId !== scope)) {
      throw new DomainError('API_KEY_NOT_FOUND', `API key ${id} not found`, { id });
    }
    if (key.revokedAt !== null) return viewOf(key);
    const revokedAt = Date.now();
    await this.keys.transaction(async (manager) => {
      if (key.tenantId === null && key.scopes.includes('admin') && !this.config.adminKey) {
        const others = (await this.keys.activePlatformKeys(manager)).filter(
          (k) => k.id !== id && k.scopes.includes('admin'),
        );
        if (others.length === 0) {
          throw new DomainError(
            'LAST_ADMIN_KEY',
            `API key ${id} is the last platform admin key: create another admin key first, or start the runtime with PLUGBOARD_ADMIN_KEY`,
            { id },
          );
        }
      }
      // A concurrent revoke of the same key got there first: its answer and audit entry stand.
      if (!(await this.keys.revoke(id, revokedAt, manager))) return;
      key.revokedAt = revokedAt;
      await this.audit.record(
        {
          actor: principal,
          tenantId: key.tenantId,
          action: 'api-key.revoked',
          targetType: 'api-key',
          targetId: id,
          details: { scopes: key.scopes, name: key.name },
          correlationId,
        },
        manager,
      );
    });
    this.cache.delete(id);
    await this.revocations?.publish(id);
    return viewOf(key);
  }

  /**
   * Whose keys the caller may see, create and revoke: undefined for all (a platform admin, unless it
   * names a tenant), else one tenant id. A tenant admin naming another tenant reads as "not found".
   */
  private administered(principal: Principal, tenantId?: string): string | undefined {
    if (isPlatformAdmin(principal)) return tenantId;
    if (principal.tenantId !== null && hasScope(principal, 'admin')) {
      if (tenantId !== undefined && tenantId !== principal.tenantId) {
        throw new DomainError('TENANT_NOT_FOUND', `tenant ${tenantId} not found`, {
          id: tenantId,
        });
      }
      return principal.tenantId;
    }
    throw new DomainError('FORBIDDEN', 'managing API keys needs the admin scope');
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
