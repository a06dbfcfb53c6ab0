import { Global, Inject, Module } from '@nestjs/common';
import { AlertController } from './alert.controller.js';
import { AlertNotifier } from './alert-notifier.js';
import { AlertService } from './alert.service.js';
import { InstallationHealthController } from './installation-health.controller.js';
import { InstallationHealthService } from './installation-health.service.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';
import { ObservabilityRepository } from './observability.repository.js';
import { RunObserver } from './run-observer.service.js';
import { TraceController } from './trace.controller.js';
import { TraceService } from './trace.service.js';
import { WorkerMetricsServer } from './worker-metrics.server.js';

const core = [MetricsService, ObservabilityRepository, RunObserver, WorkerMetricsServer];

/** What execution reports into; API processes and workers both need it. */
@Global()
@Module({ providers: core, exports: core })
export class ObservabilityCoreModule {
  constructor(
    @Inject(MetricsService) metrics: MetricsService,
    @Inject(ObservabilityRepository) repository: ObservabilityRepository,
  ) {
    metrics.sampleQueuesWith(async () => {
      const now = Date.now();
      return (await repository.queues()).map((q) => ({
        queue: q.queue,
        depth: q.depth,
        lagSeconds: Math.max(0, (now - q.oldest) / 1000),
      }));
    });
  }
}

/** The routes and the alert scheduler: API processes only. */
@Module({
  controllers: [MetricsController, TraceController, AlertController, InstallationHealthController],
  providers: [TraceService, InstallationHealthService, AlertNotifier, AlertService],
})
export class ObservabilityModule {}
