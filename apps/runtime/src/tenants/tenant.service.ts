import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { isPlatformAdmin } from '../auth/principal.js';
import { DomainError } from '../common/domain-error.js';
import { newId } from '../common/ids.js';
import { MASTER_KEY } from '../common/master-key.js';
import { open, seal } from '../common/secret-box.js';
import { TenantRepository } from './tenant.repository.js';

export interface TenantView {
  id: string;
  name: string;
  createdAt: string;
}

@Injectable()
export class TenantService {
  private readonly dataKeys = new Map<string, Buffer>();

  constructor(
    @Inject(TenantRepository) private readonly tenants: TenantRepository,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(MASTER_KEY) private readonly masterKey: Buffer,
  ) {}

  async create(name: string, principal: Principal, correlationId?: string): Promise<TenantView> {
    if (!isPlatformAdmin(principal))
      throw new DomainError('FORBIDDEN', 'creating tenants needs a platform admin key');
    const id = newId('ten');
    const dataKey = randomBytes(32);
    const tenant = {
      id,
      name,
      dataKey: seal(this.masterKey, dataKey, `tenant:${id}`),
      createdAt: Date.now(),
    };
    await this.tenants.transaction(async (manager) => {
      await this.tenants.insert(tenant, manager);
      await this.audit.record(
        {
          actor: principal,
          tenantId: id,
          action: 'tenant.created',
          targetType: 'tenant',
          targetId: id,
          details: { name },
          correlationId,
        },
        manager,
      );
    });
    return { id, name, createdAt: new Date(tenant.createdAt).toISOString() };
  }

  async get(id: string, principal: Principal): Promise<TenantView> {
    const tenant =
      principal.tenantId === null || principal.tenantId === id ? await this.tenants.find(id) : null;
    if (!tenant) throw new DomainError('TENANT_NOT_FOUND', `tenant ${id} not found`, { id });
    return {
      id: tenant.id,
      name: tenant.name,
      createdAt: new Date(tenant.createdAt).toISOString(),
    };
  }

  async list(principal: Principal): Promise<TenantView[]> {
    const all = await this.tenants.list();
    return all
      .filter((t) => principal.tenantId === null || t.id === principal.tenantId)
      .map((t) => ({ id: t.id, name: t.name, createdAt: new Date(t.createdAt).toISOString() }));
  }

  async exists(id: string): Promise<boolean> {
    return (await this.tenants.find(id)) !== null;
  }

  /**
   * Master key rotation: data keys that only the previous master key opens are re-wrapped with the
   * current one, each in its own audited transaction; credentials themselves never change.
   */
  async rewrapDataKeys(previous: Buffer | undefined): Promise<number> {
    let rewrapped = 0;
    for (const tenant of await this.tenants.list()) {
      const aad = `tenant:${tenant.id}`;
      try {
        open(this.masterKey, tenant.dataKey, aad);
        continue;
      } catch {
        if (!previous) {
          throw new DomainError(
            'INTERNAL',
            `the master key does not open tenant ${tenant.id}'s data key: set PLUGBOARD_PREVIOUS_MASTER_KEY to rotate`,
          );
        }
      }
      const dataKey = open(previous, tenant.dataKey, aad);
      await this.tenants.transaction(async (manager) => {
        await this.tenants.updateDataKey(tenant.id, seal(this.masterKey, dataKey, aad), manager);
        await this.audit.record(
          {
            actor: 'system',
            tenantId: tenant.id,
            action: 'tenant.data-key-rewrapped',
            targetType: 'tenant',
            targetId: tenant.id,
          },
          manager,
        );
      });
      rewrapped += 1;
    }
    return rewrapped;
  }

  /** The tenant's unwrapped data key; kept in memory only. */
  async dataKey(tenantId: string): Promise<Buffer> {
    const cached = this.dataKeys.get(tenantId);
    if (cached) return cached;
    const tenant = await this.tenants.find(tenantId);
    if (!tenant)
      throw new DomainError('TENANT_NOT_FOUND', `tenant ${tenantId} not found`, { id: tenantId });
    const key = open(this.masterKey, tenant.dataKey, `tenant:${tenantId}`);
    this.dataKeys.set(tenantId, key);
    return key;
  }
}
