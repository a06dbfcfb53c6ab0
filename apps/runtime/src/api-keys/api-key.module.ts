import { Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { RUNTIME_CONFIG } from '../config/config.js';
import type { RuntimeConfig } from '../config/config.js';
import { ApiKeyController } from './api-key.controller.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { ApiKeyService } from './api-key.service.js';
import { KEY_REVOCATIONS, RedisKeyRevocations } from './key-revocations.js';

@Global()
@Module({
  controllers: [ApiKeyController],
  providers: [
    ApiKeyRepository,
    ApiKeyService,
    {
      // In embedded mode one process holds the only key cache, and it evicts a key as it revokes it.
      provide: KEY_REVOCATIONS,
      inject: [RUNTIME_CONFIG, LOGGER],
      useFactory: (config: RuntimeConfig, logger: Logger) =>
        config.mode === 'cluster' && config.redisUrl
          ? new RedisKeyRevocations(
              config.redisUrl,
              `${config.queuePrefix}:api-key-revoked`,
              logger,
            )
          : null,
    },
  ],
  exports: [ApiKeyService],
})
export class ApiKeyModule {}
