import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ApiVersionHooks } from './api-version/api-version.hooks.js';
import { ChangelogService } from './changelog.service.js';
import { DeprecationGate, DeprecationInterceptor } from './deprecation.interceptor.js';
import { DeprecationService } from './deprecation.service.js';
import { PayloadMigrationService } from './payload-migration.service.js';
import { RolloutService } from './rollout.service.js';
import { UpgradeService } from './upgrade.service.js';
import { VersioningController } from './versioning.controller.js';
import { VersioningRepository } from './versioning.repository.js';

/** Roll-outs, payload migrations, upgrade dry runs, deprecation and API version negotiation. */
@Global()
@Module({
  controllers: [VersioningController],
  providers: [
    VersioningRepository,
    RolloutService,
    PayloadMigrationService,
    UpgradeService,
    DeprecationService,
    ChangelogService,
    ApiVersionHooks,
    DeprecationGate,
    { provide: APP_INTERCEPTOR, useClass: DeprecationInterceptor },
  ],
  exports: [
    PayloadMigrationService,
    UpgradeService,
    DeprecationService,
    DeprecationGate,
    RolloutService,
  ],
})
export class VersioningModule {}
