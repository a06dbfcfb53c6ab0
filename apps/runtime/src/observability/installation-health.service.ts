import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { InstallationService } from '../installations/installation.service.js';
import { EGRESS_POLICY } from '../platform/egress-policy.js';
import { PolicyStateService } from '../policies/policy-state.service.js';
import { DeprecationService } from '../versioning/deprecation.service.js';
import { ObservabilityRepository } from './observability.repository.js';
import { RunObserver } from './run-observer.service.js';
import { WINDOWS, latencies, objectivesFrom, objectivesView, windowFigures } from './slo.js';
import type { WindowName } from './slo.js';

interface StatefulPolicy {
  state(
    installationId: string,
    ctx: { connectorId: string; host: string; connectorVersion?: string },
  ): Promise<unknown>;
}

@Injectable()
export class InstallationHealthService {
  constructor(
    @Inject(InstallationService) private readonly installations: InstallationService,
    @Inject(ObservabilityRepository) private readonly repository: ObservabilityRepository,
    @Inject(RunObserver) private readonly observer: RunObserver,
    @Inject(EGRESS_POLICY) private readonly policy: StatefulPolicy,
    @Inject(DeprecationService) private readonly deprecations: DeprecationService,
    @Inject(PolicyStateService) private readonly policyStates: PolicyStateService,
  ) {}

  async health(id: string, principal: Principal) {
    // find() answers 404 for another tenant's installation, like every other route.
    const installation = await this.installations.find(id, principal);
    const now = Date.now();
    const settled = await this.repository.settled(now - WINDOWS['24h'], id);
    const objectives = objectivesFrom((await this.repository.sloObjectives([id])).get(id));
    const windows = Object.fromEntries(
      (Object.keys(WINDOWS) as WindowName[]).map((name) => [
        name,
        windowFigures(
          settled.filter((s) => s.updatedAt >= now - WINDOWS[name]),
          objectives,
        ),
      ]),
    );
    const lastHour = settled.filter((s) => s.updatedAt >= now - WINDOWS['1h']);
    const queues = await this.repository.installationQueues(id);
    const depth = queues.reduce((sum, q) => sum + q.depth, 0);
    const oldest = queues.length > 0 ? Math.min(...queues.map((q) => q.oldest)) : null;
    const intake = this.observer.intakeOf(id);
    const lastSuccess = await this.repository.lastSuccess(id);
    return {
      installationId: id,
      connectorId: installation.connectorId,
      version: installation.version,
      status: installation.status,
      warnings: await this.deprecations.warningsFor(installation),
      successRate: { '1h': windows['1h']!.successRate, '24h': windows['24h']!.successRate },
      deliveryLatencyMs: { window: '1h', ...latencies(lastHour) },
      duplicates: {
        since: 'process start',
        offered: intake.offered,
        duplicates: intake.duplicates,
        rate:
          intake.offered === 0
            ? null
            : Math.round((intake.duplicates / intake.offered) * 10_000) / 10_000,
      },
      queue: {
        depth,
        lagSeconds: oldest === null ? 0 : Math.round((now - oldest) / 100) / 10,
        byAction: queues.map((q) => ({
          action: q.action,
          depth: q.depth,
          lagSeconds: Math.round((now - q.oldest) / 100) / 10,
        })),
      },
      policy: await this.policyState(installation),
      // Per layer with the installation's tenant, limits, quotas and rendered host (policies/).
      policies: await this.policyStates.of(installation.id),
      lastSuccessAt: lastSuccess === null ? null : new Date(lastSuccess).toISOString(),
      slo: {
        objectives: objectivesView(objectives),
        windows,
      },
    };
  }

  async setObjectives(id: string, body: unknown, principal: Principal) {
    const installation = await this.installations.find(id, principal);
    const objectives = objectivesFrom(body);
    await this.repository.putSloObjectives(
      id,
      installation.tenantId,
      objectivesView(objectives),
      principal.keyId,
    );
    return { installationId: id, objectives: objectivesView(objectives) };
  }

  private async policyState(installation: { id: string; connectorId: string; version: string }) {
    const runnable = await this.installations.runnable(installation.id);
    const base = (runnable.definition.base ?? {}) as { url?: string };
    let host = '';
    try {
      host = new URL(String(base.url ?? '')).host.toLowerCase();
    } catch {
      // A templated base URL ({{config.subdomain}}) has no host before the engine renders it.
    }
    return {
      available: true,
      ...((await this.policy.state(installation.id, {
        connectorId: installation.connectorId,
        connectorVersion: installation.version,
        host,
      })) as object),
    };
  }
}
