import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { newId } from '../common/ids.js';
import type { Principal } from '../auth/principal.js';
import { AuditRepository } from './audit.repository.js';
import type { AuditEntity } from './audit.entity.js';

export type AuditAction =
  | 'connector.published'
  | 'connector.deprecated'
  | 'contract.registered'
  | 'tenant.created'
  | 'tenant.data-key-rewrapped'
  | 'api-key.created'
  | 'api-key.revoked'
  | 'installation.created'
  | 'installation.updated'
  | 'installation.upgraded'
  | 'installation.rolled-out'
  | 'installation.rolled-back'
  | 'rollout.policy-set'
  | 'rollout.updated'
  | 'installation.credentials-rotated'
  | 'installation.deleted'
  | 'installation.oauth-connected'
  | 'installation.needs-reauth'
  | 'connector.oauth-app-set'
  | 'run.replayed'
  | 'batch.replayed'
  | 'route.created'
  | 'route.updated'
  | 'route.deleted';

export interface AuditInput {
  actor: Principal | 'system';
  tenantId: string | null;
  action: AuditAction;
  targetType: string;
  targetId: string;
  details?: unknown;
  correlationId?: string;
}

@Injectable()
export class AuditService {
  constructor(@Inject(AuditRepository) private readonly repository: AuditRepository) {}

  /** Pass the manager of the transaction that made the change, so the entry commits with it. */
  async record(input: AuditInput, manager?: EntityManager): Promise<void> {
    await this.repository.insert(
      {
        id: newId('aud'),
        tenantId: input.tenantId,
        actor: input.actor === 'system' ? 'system' : input.actor.keyId,
        action: input.action,
        targetType: input.targetType,
        targetId: input.targetId,
        details: input.details ?? null,
        correlationId: input.correlationId ?? null,
        createdAt: Date.now(),
      },
      manager,
    );
  }

  async list(
    principal: Principal,
    query: { tenantId?: string; action?: string; before?: number; limit?: number },
  ): Promise<AuditEntity[]> {
    const tenantId = principal.tenantId ?? query.tenantId ?? null;
    return this.repository.list({
      tenantId,
      action: query.action,
      before: query.before,
      limit: Math.min(query.limit ?? 100, 500),
    });
  }
}
