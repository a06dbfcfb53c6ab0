import { Inject, Injectable } from '@nestjs/common';
import semver from 'semver';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { canSee, requireTenantFor } from '../auth/principal.js';
import { CatalogService } from '../catalog/catalog.service.js';
import type { ConnectorVersionEntity } from '../catalog/connector-version.entity.js';
import { DomainError } from '../common/domain-error.js';
import { newId } from '../common/ids.js';
import { check, connectorSchema } from '../common/json-schema.js';
import type { PointerIssue } from '../common/json-schema.js';
import { open, seal } from '../common/secret-box.js';
import type { Definition } from '../platform/ports.js';
import { TenantService } from '../tenants/tenant.service.js';
import { rememberSecrets } from '../observability/secret-scrubber.js';
import { checkCredentials } from './credentials.js';
import type { InstallationEntity, InstallationStatus } from './installation.entity.js';
import { InstallationRepository } from './installation.repository.js';

export interface CreateInstallation {
  connectorId: string;
  version?: string;
  tenantId?: string;
  name?: string;
  config?: Record<string, unknown>;
  credentials?: Record<string, string>;
  quotas?: Record<string, unknown>;
}

export interface UpdateInstallation {
  version?: string;
  name?: string;
  config?: Record<string, unknown>;
  credentials?: Record<string, string>;
  quotas?: Record<string, unknown>;
  status?: InstallationStatus;
}

/** Everything a run needs; credentials are decrypted here and go only to the engine's egress. */
export interface RunnableInstallation {
  installation: InstallationEntity;
  connector: ConnectorVersionEntity;
  definition: Definition;
  credentials: Record<string, string>;
}

export function view(i: InstallationEntity) {
  return {
    id: i.id,
    tenantId: i.tenantId,
    connectorId: i.connectorId,
    version: i.version,
    range: i.range,
    name: i.name,
    status: i.status,
    config: i.config,
    quotas: i.quotas,
    credentials: { set: i.credentials !== null, version: i.credentialsVersion },
    createdAt: new Date(i.createdAt).toISOString(),
    updatedAt: new Date(i.updatedAt).toISOString(),
  };
}

function aad(i: { id: string; tenantId: string }): string {
  return `installation:${i.id}:tenant:${i.tenantId}`;
}

// Installations are read on every intake and dispatch; a short in-process cache saves those reads.
// Changes made through this process drop the entry at once; another process sees them within the TTL.
const CACHE_TTL_MS = 1000;

@Injectable()
export class InstallationService {
  private readonly cache = new Map<
    string,
    { at: number; installation: InstallationEntity; runnable?: RunnableInstallation }
  >();

  constructor(
    @Inject(InstallationRepository) private readonly installations: InstallationRepository,
    @Inject(CatalogService) private readonly catalog: CatalogService,
    @Inject(TenantService) private readonly tenants: TenantService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  private checkConfig(connector: ConnectorVersionEntity, config: unknown): PointerIssue[] {
    const definition = connector.definition;
    if (!definition.config) return [];
    return check(connectorSchema(connector, 'config', definition.config), config, '/config');
  }

  private refuse(issues: PointerIssue[], what: string): never {
    throw new DomainError(
      'VALIDATION_FAILED',
      `${what}: ${issues[0]?.pointer} ${issues[0]?.message}`,
      { errors: issues },
    );
  }

  async create(input: CreateInstallation, principal: Principal, correlationId?: string) {
    const tenantId = requireTenantFor(principal, input.tenantId);
    if (!(await this.tenants.exists(tenantId)))
      throw new DomainError('TENANT_NOT_FOUND', `tenant ${tenantId} not found`, { id: tenantId });
    const latest = await this.catalog.latest(input.connectorId);
    const range = input.version ?? `^${latest.version}`;
    if (!semver.validRange(range)) {
      this.refuse(
        [
          {
            pointer: '/version',
            code: 'INVALID_RANGE',
            message: `"${range}" is not a semver range`,
          },
        ],
        'the installation is invalid',
      );
    }
    const connector = await this.catalog.resolve(input.connectorId, range);
    const config = input.config ?? {};
    const issues = [
      ...this.checkConfig(connector, config),
      ...checkCredentials(connector.definition.auth, input.credentials),
    ];
    if (issues.length > 0) this.refuse(issues, 'the installation is invalid');
    const now = Date.now();
    const installation: InstallationEntity = {
      id: newId('ins'),
      tenantId,
      connectorId: input.connectorId,
      range,
      version: connector.version,
      name: input.name ?? null,
      config,
      credentials: null,
      credentialsVersion: 0,
      quotas: input.quotas ?? null,
      status: 'enabled',
      createdAt: now,
      updatedAt: now,
    };
    await this.sealCredentials(installation, input.credentials ?? {});
    await this.installations.transaction(async (manager) => {
      await this.installations.insert(installation, manager);
      await this.audit.record(
        {
          actor: principal,
          tenantId,
          action: 'installation.created',
          targetType: 'installation',
          targetId: installation.id,
          details: { connectorId: installation.connectorId, version: installation.version, range },
          correlationId,
        },
        manager,
      );
    });
    return view(installation);
  }

  private async sealCredentials(
    installation: InstallationEntity,
    credentials: Record<string, string>,
  ): Promise<void> {
    const key = await this.tenants.dataKey(installation.tenantId);
    installation.credentials = seal(
      key,
      Buffer.from(JSON.stringify(credentials), 'utf8'),
      aad(installation),
    );
    installation.credentialsVersion += 1;
  }

  /** Another tenant's installation is reported missing, never forbidden. */
  private async load(id: string): Promise<InstallationEntity | null> {
    const hit = this.cache.get(id);
    if (hit && Date.now() - hit.at < CACHE_TTL_MS) return hit.installation;
    const installation = await this.installations.find(id);
    if (installation) this.cache.set(id, { at: Date.now(), installation });
    else this.cache.delete(id);
    return installation;
  }

  async find(id: string, principal: Principal): Promise<InstallationEntity> {
    const installation = await this.load(id);
    if (!installation || !canSee(principal, installation.tenantId)) {
      throw new DomainError('INSTALLATION_NOT_FOUND', `installation ${id} not found`, { id });
    }
    return installation;
  }

  async get(id: string, principal: Principal) {
    return view(await this.find(id, principal));
  }

  async list(principal: Principal, tenantId?: string) {
    const rows = await this.installations.list(principal.tenantId ?? tenantId ?? null);
    return rows.map(view);
  }

  async update(
    id: string,
    input: UpdateInstallation,
    principal: Principal,
    correlationId?: string,
  ) {
    const installation = await this.find(id, principal);
    const actions: Array<
      'installation.updated' | 'installation.upgraded' | 'installation.credentials-rotated'
    > = [];
    let connector = await this.catalog.getVersion(installation.connectorId, installation.version);
    // Applied only once the update is valid: a refused upgrade must leave the installation as it was.
    let moveTo: { range: string; version: string } | undefined;
    if (input.version !== undefined) {
      if (!semver.validRange(input.version)) {
        this.refuse(
          [
            {
              pointer: '/version',
              code: 'INVALID_RANGE',
              message: `"${input.version}" is not a semver range`,
            },
          ],
          'the update is invalid',
        );
      }
      // A bare version ("2.0.0") is an upgrade to exactly it, after which the installation follows
      // its compatible updates (^2.0.0); "=2.0.0" pins, any other range is taken as given.
      const exact = /^\d/.test(input.version) ? semver.valid(input.version) : null;
      connector = await this.catalog.resolve(
        installation.connectorId,
        exact ? `=${exact}` : input.version,
      );
      moveTo = { range: exact ? `^${exact}` : input.version, version: connector.version };
      if (installation.version !== connector.version) actions.push('installation.upgraded');
    }
    const config = input.config ?? installation.config;
    const issues = this.checkConfig(connector, config);
    if (input.credentials !== undefined)
      issues.push(...checkCredentials(connector.definition.auth, input.credentials));
    if (issues.length > 0)
      this.refuse(
        issues,
        input.version !== undefined
          ? `the installation does not fit ${connector.id}; send what does in the same PATCH`
          : 'the update is invalid',
      );
    if (moveTo) Object.assign(installation, moveTo);
    installation.config = config;
    if (input.name !== undefined) installation.name = input.name;
    if (input.quotas !== undefined) installation.quotas = input.quotas;
    if (input.status !== undefined) installation.status = input.status;
    if (input.credentials !== undefined) {
      await this.sealCredentials(installation, input.credentials);
      actions.push('installation.credentials-rotated');
    }
    if (
      input.config !== undefined ||
      input.name !== undefined ||
      input.quotas !== undefined ||
      input.status !== undefined
    ) {
      actions.push('installation.updated');
    }
    installation.updatedAt = Date.now();
    await this.installations.transaction(async (manager) => {
      await this.installations.save(installation, manager);
      this.cache.delete(id);
      for (const action of actions) {
        await this.audit.record(
          {
            actor: principal,
            tenantId: installation.tenantId,
            action,
            targetType: 'installation',
            targetId: id,
            details:
              action === 'installation.credentials-rotated'
                ? { credentialsVersion: installation.credentialsVersion }
                : {
                    version: installation.version,
                    range: installation.range,
                    status: installation.status,
                  },
            correlationId,
          },
          manager,
        );
      }
    });
    return view(installation);
  }

  async remove(id: string, principal: Principal, correlationId?: string): Promise<void> {
    const installation = await this.find(id, principal);
    await this.installations.transaction(async (manager) => {
      await this.installations.remove(id, manager);
      this.cache.delete(id);
      await this.audit.record(
        {
          actor: principal,
          tenantId: installation.tenantId,
          action: 'installation.deleted',
          targetType: 'installation',
          targetId: id,
          correlationId,
        },
        manager,
      );
    });
  }

  async connectorOf(installation: InstallationEntity): Promise<ConnectorVersionEntity> {
    return this.catalog.getVersion(installation.connectorId, installation.version);
  }

  /** For workers and webhooks: no principal, the installation id is the authority. */
  async runnable(id: string): Promise<RunnableInstallation> {
    const installation = await this.installations.find(id);
    if (!installation)
      throw new DomainError('INSTALLATION_NOT_FOUND', `installation ${id} not found`, { id });
    const connector = await this.catalog.getVersion(installation.connectorId, installation.version);
    let credentials: Record<string, string> = {};
    if (installation.credentials) {
      const key = await this.tenants.dataKey(installation.tenantId);
      credentials = JSON.parse(
        open(key, installation.credentials, aad(installation)).toString('utf8'),
      ) as Record<string, string>;
      rememberSecrets(Object.values(credentials));
    }
    const runnable = {
      installation,
      connector,
      definition: connector.definition as Definition,
      credentials,
    };
    const entry = this.cache.get(id);
    if (entry?.installation === installation) entry.runnable = runnable;
    return runnable;
  }
}
