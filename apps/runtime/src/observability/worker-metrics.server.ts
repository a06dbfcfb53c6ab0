import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { ApiKeyService } from '../api-keys/api-key.service.js';
import { hasScope } from '../auth/principal.js';
import { LOGGER } from '../common/logger.js';
import { RUNTIME_CONFIG } from '../config/config.js';
import type { RuntimeConfig } from '../config/config.js';
import { MetricsService } from './metrics.service.js';

/**
 * Cluster workers run the engine but serve no API, so the runs, outcomes, retries and sandbox
 * series they count would be invisible. With PLUGBOARD_WORKER_METRICS_PORT set, a worker answers
 * GET /metrics on that port, behind the same admin key check as the API's /metrics.
 */
@Injectable()
export class WorkerMetricsServer implements OnApplicationBootstrap, OnModuleDestroy {
  private server: Server | undefined;

  constructor(
    @Inject(MetricsService) private readonly metrics: MetricsService,
    @Inject(ApiKeyService) private readonly keys: ApiKeyService,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.role !== 'worker' || this.config.workerMetricsPort === 0) return;
    const server = createServer((request, response) => {
      const answer = (status: number, code: string, message: string) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { code, message } }));
      };
      if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics')
        return answer(404, 'NOT_FOUND', 'only GET /metrics is served here');
      const header = request.headers.authorization ?? '';
      const presented = /^bearer\s+/i.test(header) ? header.replace(/^bearer\s+/i, '').trim() : '';
      if (!presented)
        return answer(401, 'UNAUTHENTICATED', 'send an admin API key as "Authorization: Bearer"');
      this.keys
        .authenticate(presented)
        .then(async (principal) => {
          if (!hasScope(principal, 'admin'))
            return answer(403, 'FORBIDDEN', 'this key lacks the scope: needs admin');
          const text = await this.metrics.render();
          response.writeHead(200, { 'content-type': this.metrics.contentType });
          response.end(text);
        })
        .catch(() => answer(401, 'UNAUTHENTICATED', 'the API key is unknown or revoked'));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.workerMetricsPort, this.config.host, () => resolve());
    });
    this.server = server;
    this.logger.info({ port: this.config.workerMetricsPort }, 'worker metrics listening');
  }

  async onModuleDestroy(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
