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
