import { Global, Module } from '@nestjs/common';
import type { DynamicModule, Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ApiKeyModule } from './api-keys/api-key.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthGuard } from './auth/auth.guard.js';
import { CatalogModule } from './catalog/catalog.module.js';
import { DomainExceptionFilter } from './common/http-exception.filter.js';
import { LOGGER } from './common/logger.js';
import { MASTER_KEY } from './common/master-key.js';
import { RUNTIME_CONFIG } from './config/config.js';
import type { RuntimeConfig } from './config/config.js';
import { ExecutionModule, ExecutionWorkerModule } from './execution/execution.module.js';
import { QUEUE } from './execution/queue.js';
import type { WorkQueue } from './execution/queue.js';
import { HealthModule } from './health/health.module.js';
import { InstallationModule } from './installations/installation.module.js';
import {
  ObservabilityCoreModule,
  ObservabilityModule,
} from './observability/observability.module.js';
import { EGRESS_POLICY, FRONT_DOOR } from './platform/egress-policy.js';
import type { RuntimePolicies } from './platform/egress-policy.js';
import { PoliciesModule } from './policies/policies.module.js';
import { RouteModule } from './routes/route.module.js';
import { ENGINE, PLATFORM } from './platform/ports.js';
import type { Engine, Platform } from './platform/ports.js';
import { OAuthModule } from './oauth/oauth.module.js';
import { TenantModule } from './tenants/tenant.module.js';
import { VersioningModule } from './versioning/versioning.module.js';

/** Things built before Nest starts (config, database, keys, queue, engine), handed in as values. */
export interface Core {
  config: RuntimeConfig;
  logger: Logger;
  dataSource: DataSource;
  masterKey: Buffer;
  queue: WorkQueue;
  platform: Platform;
  engine: Engine;
  egressPolicy: unknown;
  policies: RuntimePolicies;
}

@Global()
@Module({})
class CoreModule {
  static register(core: Core): DynamicModule {
    const providers: Provider[] = [
      { provide: RUNTIME_CONFIG, useValue: core.config },
      { provide: LOGGER, useValue: core.logger },
      { provide: DataSource, useValue: core.dataSource },
      { provide: MASTER_KEY, useValue: core.masterKey },
      { provide: QUEUE, useValue: core.queue },
      { provide: PLATFORM, useValue: core.platform },
      { provide: ENGINE, useValue: core.engine },
      { provide: EGRESS_POLICY, useValue: core.egressPolicy },
      { provide: FRONT_DOOR, useValue: core.policies.frontDoor },
    ];
    return { module: CoreModule, providers, exports: providers };
  }
}

const features = [
  AuditModule,
  TenantModule,
  ApiKeyModule,
  CatalogModule,
  InstallationModule,
  RouteModule,
  VersioningModule,
  OAuthModule,
];

@Module({})
export class AppModule {
  static forApi(core: Core): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.register(core),
        ObservabilityCoreModule,
        ...features,
        ExecutionModule,
        PoliciesModule,
        HealthModule,
        ObservabilityModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: DomainExceptionFilter },
      ],
    };
  }

  static forWorker(core: Core): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.register(core),
        ObservabilityCoreModule,
        ...features,
        ExecutionWorkerModule,
      ],
    };
  }
}
