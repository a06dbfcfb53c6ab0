import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import semver from 'semver';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { DomainError } from '../common/domain-error.js';
import { newId } from '../common/ids.js';
import { LOGGER } from '../common/logger.js';
import { RUNTIME_CONFIG } from '../config/config.js';
import type { RuntimeConfig } from '../config/config.js';
import { PLATFORM } from '../platform/ports.js';
import type { Bundle, Definition, Engine, Platform } from '../platform/ports.js';
import { CatalogRepository } from './catalog.repository.js';
import type { ConnectorVersionEntity } from './connector-version.entity.js';
import { previousOf, runGate } from './publish-gate.js';
import type { PublishReport } from './publish-gate.js';

export interface PublishOutcome {
  status: 201 | 200 | 422;
  report: PublishReport;
  connector?: { id: string; version: string; digest: string };
}

/** Told after a version is stored, e.g. to roll it out; its failure never undoes the publish. */
export type PublishedListener = (published: {
  id: string;
  version: string;
  principal: Principal | 'system';
  correlationId?: string;
}) => Promise<void>;

function versionView(v: ConnectorVersionEntity) {
  return {
    connectorId: v.connectorId,
    version: v.version,
    digest: v.digest,
    deprecation: v.deprecation,
    publishedAt: new Date(v.createdAt).toISOString(),
  };
}

@Injectable()
export class CatalogService implements OnModuleDestroy {
  private readonly versionCache = new Map<string, ConnectorVersionEntity>();
  private readonly publishedListeners: PublishedListener[] = [];
  /**
   * Contracts replay recorded interactions, so the live egress policy (rate waits, retries, retry
   * budgets) must not apply to them: a retried call would consume the next recorded answer and a
   * Retry-After would stall the gate. They run on their own engine with the pass-through policy.
   */
  private contractEngine: Engine | undefined;

  constructor(
    @Inject(CatalogRepository) private readonly catalog: CatalogRepository,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(PLATFORM) private readonly platform: Platform,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  private contractsEngine(): Engine {
    this.contractEngine ??= this.platform.engine.createEngine({
      logger: { log: (level, message, fields) => this.logger[level]({ ...fields }, message) },
    });
    return this.contractEngine;
  }

  async onModuleDestroy(): Promise<void> {
    await this.contractEngine?.dispose();
  }

  onPublished(listener: PublishedListener): void {
    this.publishedListeners.push(listener);
  }

  async publish(
    bundle: Bundle,
    principal: Principal | 'system',
    correlationId?: string,
  ): Promise<PublishOutcome> {
    const definition = bundle.definition;
    const id = String(definition.id ?? '');
    const version = String(definition.version ?? '');
    const existing = id && version ? await this.catalog.findVersion(id, version) : null;
    if (existing) {
      if (existing.digest === bundle.digest) {
        return {
          status: 200,
          report: existing.report as PublishReport,
          connector: { id, version, digest: existing.digest },
        };
      }
      throw new DomainError(
        'VERSION_EXISTS',
        `${id}@${version} is already published with other content (${existing.digest}); versions are immutable: publish a new version`,
        { id, version, digest: existing.digest },
      );
    }
    const versions = id ? await this.catalog.versions(id) : [];
    const previousVersion = semver.valid(version)
      ? previousOf(
          versions.map((v) => v.version),
          version,
        )
      : null;
    const previous = previousVersion
      ? (versions.find((v) => v.version === previousVersion) ?? null)
      : null;
    const consumers = id ? await this.catalog.consumerContracts(id) : [];
    const report = await runGate(
      this.platform,
      { definition, digest: bundle.digest, contracts: bundle.contracts ?? [] },
      previous ? { version: previous.version, definition: previous.definition } : null,
      consumers.map((c) => ({ consumer: c.consumer, body: c.body })),
      this.contractsEngine(),
    );
    if (!report.valid) return { status: 422, report };
    const now = Date.now();
    await this.catalog.transaction(async (manager) => {
      const latest =
        versions.length === 0
          ? version
          : semver.rsort([version, ...versions.map((v) => v.version)])[0]!;
      const latestDefinition =
        latest === version
          ? definition
          : (versions.find((v) => v.version === latest)?.definition ?? definition);
      await this.catalog.saveVersion(
        {
          id,
          name: String(latestDefinition.name ?? id),
          description:
            typeof latestDefinition.description === 'string' ? latestDefinition.description : null,
          latestVersion: latest,
          createdAt: now,
          updatedAt: now,
        },
        {
          id: `${id}@${version}`,
          connectorId: id,
          version,
          major: semver.major(version),
          digest: bundle.digest,
          definition,
          contracts: bundle.contracts ?? [],
          readme: bundle.readme ?? null,
          report,
          deprecation: null,
          publishedBy: principal === 'system' ? 'system' : principal.keyId,
          createdAt: now,
        },
        manager,
      );
      await this.audit.record(
        {
          actor: principal,
          tenantId: null,
          action: 'connector.published',
          targetType: 'connector-version',
          targetId: `${id}@${version}`,
          details: { digest: bundle.digest, requiredBump: report.requiredBump },
          correlationId,
        },
        manager,
      );
    });
    for (const listener of this.publishedListeners) {
      try {
        await listener({ id, version, principal, correlationId });
      } catch (error) {
        this.logger.error(
          {
            connector: `${id}@${version}`,
            err: error instanceof Error ? error.message : String(error),
          },
          'a publish listener failed; the version stays published',
        );
      }
    }
    return { status: 201, report, connector: { id, version, digest: bundle.digest } };
  }

  async list() {
    const connectors = await this.catalog.listConnectors();
    return Promise.all(
      connectors.map(async (c) => ({
        id: c.id,
        name: c.name,
        description: c.description,
        latestVersion: c.latestVersion,
        versions: (await this.catalog.versions(c.id)).map((v) => v.version),
      })),
    );
  }

  async get(id: string) {
    const connector = await this.catalog.findConnector(id);
    if (!connector)
      throw new DomainError('CONNECTOR_NOT_FOUND', `connector ${id} not found`, { id });
    const versions = await this.catalog.versions(id);
    const latest = versions.find((v) => v.version === connector.latestVersion);
    return {
      id,
      name: connector.name,
      description: connector.description,
      latestVersion: connector.latestVersion,
      versions: versions.map(versionView),
      definition: latest?.definition,
      changelog: versions.map((v) => ({
        version: v.version,
        publishedAt: new Date(v.createdAt).toISOString(),
        changes: (v.report as PublishReport | null)?.changes ?? [],
        requiredBump: (v.report as PublishReport | null)?.requiredBump ?? 'none',
      })),
    };
  }

  async getVersion(id: string, version: string): Promise<ConnectorVersionEntity> {
    const key = `${id}@${version}`;
    const cached = this.versionCache.get(key);
    // Versions are immutable except for deprecation, so a short-lived cache is safe on the hot path.
    if (cached) return cached;
    const found = await this.catalog.findVersion(id, version);
    if (!found)
      throw new DomainError('CONNECTOR_VERSION_NOT_FOUND', `connector ${key} not found`, {
        id,
        version,
      });
    this.versionCache.set(key, found);
    setTimeout(() => this.versionCache.delete(key), 5000).unref();
    return found;
  }

  async versionView(id: string, version: string) {
    const v = await this.getVersion(id, version);
    return {
      ...versionView(v),
      definition: v.definition,
      contracts: v.contracts,
      readme: v.readme,
      report: v.report,
    };
  }

  /** The highest published version satisfying the range. */
  async resolve(connectorId: string, range: string): Promise<ConnectorVersionEntity> {
    const versions = await this.catalog.versions(connectorId);
    if (versions.length === 0)
      throw new DomainError('CONNECTOR_NOT_FOUND', `connector ${connectorId} not found`, {
        id: connectorId,
      });
    const best = semver.maxSatisfying(
      versions.map((v) => v.version),
      range,
    );
    if (!best) {
      throw new DomainError(
        'NO_MATCHING_VERSION',
        `no published version of ${connectorId} satisfies ${range}`,
        {
          errors: [
            {
              pointer: '/version',
              code: 'NO_MATCHING_VERSION',
              message: `published: ${versions.map((v) => v.version).join(', ')}`,
            },
          ],
        },
      );
    }
    return versions.find((v) => v.version === best)!;
  }

  async latest(connectorId: string): Promise<ConnectorVersionEntity> {
    return this.resolve(connectorId, '*');
  }

  async deprecate(
    id: string,
    version: string,
    body: { message: string; sunset?: string },
    principal: Principal,
    correlationId?: string,
  ) {
    const v = await this.getVersion(id, version);
    // When it was deprecated is what the `Deprecation` response header carries.
    const deprecation = { ...body, deprecatedAt: new Date().toISOString() };
    await this.catalog.setDeprecation(v.id, deprecation);
    this.versionCache.delete(v.id);
    await this.audit.record({
      actor: principal,
      tenantId: null,
      action: 'connector.deprecated',
      targetType: 'connector-version',
      targetId: v.id,
      details: body,
      correlationId,
    });
    return { ...versionView({ ...v, deprecation }) };
  }

  /** A consumer contract must hold for the current version, or every future publish would be refused. */
  async registerContract(
    connectorId: string,
    body: Record<string, unknown>,
    principal: Principal,
    correlationId?: string,
  ) {
    const latest = await this.latest(connectorId);
    const consumer = String(body.consumer ?? principal.tenantId ?? principal.keyId);
    const name = String(body.name);
    const [result] = await this.platform.engine.runContracts(
      { definition: latest.definition as Definition, contracts: [body] },
      { engine: this.contractsEngine() },
    );
    if (!result?.passed) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `the contract "${name}" fails against ${connectorId}@${latest.version}`,
        {
          errors: [
            {
              pointer: '',
              code: 'CONTRACT_FAILED',
              message: 'the current version does not satisfy this contract',
            },
          ],
          contract: result,
        },
      );
    }
    const id = newId('ctr');
    await this.catalog.transaction(async (manager) => {
      await this.catalog.upsertContract(
        {
          id,
          connectorId,
          consumer,
          name,
          body,
          createdBy: principal.keyId,
          createdAt: Date.now(),
        },
        manager,
      );
      await this.audit.record(
        {
          actor: principal,
          tenantId: principal.tenantId,
          action: 'contract.registered',
          targetType: 'contract',
          targetId: id,
          details: { connectorId, consumer, name },
          correlationId,
        },
        manager,
      );
    });
    return { id, connectorId, consumer, name, verifiedAgainst: latest.version, result };
  }

  /** Bundled connectors/ packages go into the catalog at start; one that fails the gate is skipped, loudly. */
  async publishBundled(): Promise<void> {
    const dir = this.config.connectorsDir;
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir).sort()) {
      const packageDir = join(dir, name);
      if (!existsSync(join(packageDir, 'connector.json'))) continue;
      try {
        const bundle = await this.platform.definition.packBundle(packageDir);
        const outcome = await this.publish(bundle, 'system');
        if (outcome.status === 422) {
          this.logger.error(
            { connector: name, errors: outcome.report.errors },
            `bundled connector ${name} fails the publish gate and was NOT published`,
          );
        } else if (outcome.status === 201) {
          this.logger.info(
            { connector: `${outcome.connector?.id}@${outcome.connector?.version}` },
            'bundled connector published',
          );
        }
      } catch (error) {
        this.logger.error(
          { connector: name, err: error instanceof Error ? error.message : String(error) },
          `bundled connector ${name} could not be published`,
        );
      }
    }
  }
}
