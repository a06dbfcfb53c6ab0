import { Inject, Injectable } from '@nestjs/common';
import semver from 'semver';
import type { Principal } from '../auth/principal.js';
import { CatalogService } from '../catalog/catalog.service.js';
import type { ConnectorVersionEntity } from '../catalog/connector-version.entity.js';
import { DomainError } from '../common/domain-error.js';
import { newId } from '../common/ids.js';
import { check, connectorSchema } from '../common/json-schema.js';
import type { PointerIssue } from '../common/json-schema.js';
import type { EventEntity } from '../execution/event.entity.js';
import { InstallationService } from '../installations/installation.service.js';
import { ENGINE, PLATFORM } from '../platform/ports.js';
import type { Definition, Engine, Platform, RunResult } from '../platform/ports.js';
import {
  basePathOf,
  ContractReplayTransport,
  interactionsOf,
} from './contract-replay-transport.js';
import { jsonDiff } from './json-diff.js';
import type { ValueChange } from './json-diff.js';
import { PayloadMigrationService } from './payload-migration.service.js';
import { VersioningRepository } from './versioning.repository.js';

export const DRY_RUN_EVENTS = 50;

export interface DryRunRequest {
  version: string;
  config?: Record<string, unknown>;
  events?: string[];
}

type Side =
  | { status: 'succeeded'; output: unknown }
  | { status: 'failed'; error: { code: string; message: string; details?: unknown } };

export interface DryRunEvent {
  eventId: string;
  action: string;
  status: 'same' | 'different' | 'failed';
  from: Side;
  to: Side;
  diff?: ValueChange[];
}

/** The config issues an installation would have on `connector` (empty when it fits). */
export function configIssues(connector: ConnectorVersionEntity, config: unknown): PointerIssue[] {
  if (!connector.definition.config) return [];
  return check(
    connectorSchema(connector, 'config', connector.definition.config),
    config,
    '/config',
  );
}

/** The exact version a PATCH `version` names: itself, or the newest published one its range allows. */
export function rangeFor(version: string): string {
  return semver.valid(version) ? `^${semver.valid(version)}` : version;
}

/**
 * `PATCH /v1/installations/:id?dryRun=true`: the installation's recent events (or the named ones)
 * through its current version and the proposed one, in the sandbox, each answered by that version's
 * own contract recordings, so the partner is never called and nothing is stored.
 */
@Injectable()
export class UpgradeService {
  constructor(
    @Inject(InstallationService) private readonly installations: InstallationService,
    @Inject(CatalogService) private readonly catalog: CatalogService,
    @Inject(VersioningRepository) private readonly repository: VersioningRepository,
    @Inject(PayloadMigrationService) private readonly migrations: PayloadMigrationService,
    @Inject(ENGINE) private readonly engine: Engine,
    @Inject(PLATFORM) private readonly platform: Platform,
  ) {}

  async target(connectorId: string, version: string): Promise<ConnectorVersionEntity> {
    if (!semver.validRange(version)) {
      throw new DomainError('VALIDATION_FAILED', `"${version}" is not a version or semver range`, {
        errors: [{ pointer: '/version', code: 'INVALID_RANGE', message: 'is not a semver range' }],
      });
    }
    return semver.valid(version)
      ? this.catalog.resolve(connectorId, `=${semver.valid(version)}`)
      : this.catalog.resolve(connectorId, version);
  }

  async dryRun(id: string, request: DryRunRequest, principal: Principal) {
    const installation = await this.installations.find(id, principal);
    const runnable = await this.installations.runnable(id);
    const current = runnable.connector;
    const target = await this.target(installation.connectorId, request.version);
    const config = request.config ?? installation.config;
    const issues = configIssues(target, config);
    const events = await this.repository.recentEvents(id, request.events, DRY_RUN_EVENTS);
    const missing = (request.events ?? []).filter((e) => !events.some((x) => x.id === e));
    if (missing.length > 0) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `the dry run names events this installation does not have: ${missing.join(', ')}`,
        {
          errors: missing.map((e) => ({
            pointer: `/events/${request.events!.indexOf(e)}`,
            code: 'EVENT_NOT_FOUND',
            message: `${e} is not an event of installation ${id}`,
          })),
        },
      );
    }
    events.sort((a, b) => (a.id < b.id ? -1 : 1));
    const results: DryRunEvent[] = [];
    for (const event of events) {
      const from = await this.replay(current, event, installation.config, runnable.credentials);
      const to = await this.replay(target, event, config, runnable.credentials);
      if (from.status === 'failed' || to.status === 'failed') {
        results.push({ eventId: event.id, action: event.action, status: 'failed', from, to });
        continue;
      }
      const diff = jsonDiff(from.output, to.output);
      results.push({
        eventId: event.id,
        action: event.action,
        status: diff.length === 0 ? 'same' : 'different',
        from,
        to,
        ...(diff.length > 0 ? { diff } : {}),
      });
    }
    return {
      dryRun: true,
      installationId: id,
      from: current.version,
      to: target.version,
      range: rangeFor(request.version),
      config: { fits: issues.length === 0, errors: issues },
      summary: {
        events: results.length,
        same: results.filter((r) => r.status === 'same').length,
        different: results.filter((r) => r.status === 'different').length,
        failed: results.filter((r) => r.status === 'failed').length,
      },
      events: results,
    };
  }

  private async replay(
    connector: ConnectorVersionEntity,
    event: EventEntity,
    config: Record<string, unknown>,
    credentials: Record<string, string>,
  ): Promise<Side> {
    const definition = connector.definition as Definition;
    const actions = (definition.actions ?? {}) as Record<
      string,
      { input?: unknown; urgency?: string }
    >;
    const shape = actions[event.action];
    if (!shape) {
      return {
        status: 'failed',
        error: {
          code: 'ACTION_NOT_FOUND',
          message: `${connector.id} has no action ${event.action}`,
        },
      };
    }
    const prepared = await this.migrations.prepare(
      connector,
      event.action,
      event.data,
      event.schemaVersion,
      '/data',
      (data) =>
        check(
          connectorSchema(connector, `actions/${event.action}/input`, shape.input),
          data,
          '/data',
        ),
    );
    if (prepared.issues.length > 0) {
      return {
        status: 'failed',
        error: {
          code: 'VALIDATION_FAILED',
          message: `the event does not fit ${connector.id}: ${prepared.issues[0]?.pointer} ${prepared.issues[0]?.message}`,
          details: { errors: prepared.issues },
        },
      };
    }
    const batched = shape.urgency === 'batched';
    const transport = new ContractReplayTransport(
      interactionsOf(connector.contracts, event.action),
      basePathOf(definition),
      this.platform.engine.RecordedTransport,
    );
    const runId = newId('dry');
    let result: RunResult;
    try {
      result = await this.engine.runAction(definition, event.action, {
        ...(batched ? { items: [prepared.data] } : { input: prepared.data }),
        config,
        credentials,
        // Its own installation key for limits and isolates, so a dry run never spends the live
        // installation's quota or shares its heap.
        meta: { runId, installationId: `${event.installationId}:dry-run`, attempt: 1 },
        isolateKey: `dry-run:${event.installationId}@${connector.version}`,
        transport,
      });
    } catch (error) {
      return {
        status: 'failed',
        error: {
          code: String((error as { code?: unknown }).code ?? 'INTERNAL'),
          message: error instanceof Error ? error.message : String(error),
        },
      };
    }
    if (result.status !== 'succeeded') {
      return {
        status: 'failed',
        error: {
          code: result.error?.code ?? 'INTERNAL',
          message: result.error?.message ?? 'the run failed',
        },
      };
    }
    if (batched) {
      const item = result.items?.[0];
      if (!item || item.status !== 'ok')
        return {
          status: 'failed',
          error: item?.error ?? { code: 'INTERNAL', message: 'the batch gave no outcome' },
        };
      return { status: 'succeeded', output: item.output ?? null };
    }
    return { status: 'succeeded', output: result.output ?? null };
  }
}
