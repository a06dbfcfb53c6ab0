import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { CatalogService } from '../catalog/catalog.service.js';
import { DomainError } from '../common/domain-error.js';
import { InstallationService } from '../installations/installation.service.js';
import { RouteRepository } from '../routes/route.repository.js';
import type { TriggerShape } from '../routes/route-expressions.js';
import type { TriggerStateEntity } from './trigger-state.entity.js';
import { TriggerRepository } from './trigger.repository.js';
import { iso } from '../common/iso.js';

function pollView(shape: TriggerShape, state: TriggerStateEntity | undefined, now: number) {
  const intervalMs = Math.max(1000, shape.poll?.intervalMs ?? 60_000);
  if (!state) return { intervalMs, status: 'idle' as const, failures: 0 };
  const polling = state.leaseOwner !== null && (state.leaseExpiresAt ?? 0) > now;
  return {
    intervalMs,
    status: polling
      ? ('polling' as const)
      : state.failures > 0
        ? ('backoff' as const)
        : ('scheduled' as const),
    cursor: state.cursor === null ? null : (JSON.parse(state.cursor) as unknown),
    failures: state.failures,
    lastError: state.lastError,
    backoffMs: state.failures > 0 ? Math.max(0, state.nextPollAt - now) : 0,
    lastPolledAt: iso(state.lastPolledAt),
    lastSuccessAt: iso(state.lastSuccessAt),
    nextPollAt: iso(state.nextPollAt),
    recordsTotal: state.recordsTotal,
  };
}

@Injectable()
export class TriggerService {
  constructor(
    @Inject(InstallationService) private readonly installations: InstallationService,
    @Inject(CatalogService) private readonly catalog: CatalogService,
    @Inject(TriggerRepository) private readonly triggers: TriggerRepository,
    @Inject(RouteRepository) private readonly routes: RouteRepository,
  ) {}

  /**
   * The latest records of a trigger, newest first: their state, the routes that refused them and
   * the correlation id that the target events and runs carry (`GET /v1/runs?correlationId=`).
   */
  async records(installationId: string, trigger: string, principal: Principal, limit = 50) {
    const installation = await this.installations.find(installationId, principal);
    const connector = await this.catalog.getVersion(installation.connectorId, installation.version);
    if (!Object.hasOwn((connector.definition.triggers ?? {}) as object, trigger))
      throw new DomainError(
        'TRIGGER_NOT_FOUND',
        `${connector.connectorId}@${connector.version} has no trigger ${trigger}`,
      );
    const rows = await this.triggers.recentRecords(
      installationId,
      trigger,
      Math.min(Math.max(1, limit), 500),
    );
    return {
      records: rows.map((r) => ({
        id: r.id,
        recordKey: r.recordKey,
        state: r.state,
        correlationId: r.correlationId,
        sourceEventId: r.sourceEventId,
        data: r.data,
        refusals: r.error,
        createdAt: iso(r.createdAt),
        routedAt: iso(r.routedAt),
      })),
    };
  }

  /** Each trigger of an installation with its routes and, for polls, schedule, cursor and backoff. */
  async list(installationId: string, principal: Principal) {
    const installation = await this.installations.find(installationId, principal);
    const connector = await this.catalog.getVersion(installation.connectorId, installation.version);
    const states = await this.triggers.states(installationId);
    const routes = await this.routes.bySource(installationId);
    const now = Date.now();
    const shapes = (connector.definition.triggers ?? {}) as Record<string, TriggerShape>;
    return {
      triggers: Object.entries(shapes).map(([name, shape]) => {
        const own = routes.filter((r) => r.sourceTrigger === name);
        return {
          name,
          kind: shape.kind,
          title: shape.title,
          routes: { total: own.length, enabled: own.filter((r) => r.enabled === 1).length },
          ...(shape.kind === 'poll'
            ? {
                poll: pollView(
                  shape,
                  states.find((s) => s.trigger === name),
                  now,
                ),
              }
            : {}),
        };
      }),
    };
  }
}
