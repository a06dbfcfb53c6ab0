import { Global, Module } from '@nestjs/common';
import { ActionService } from './action.service.js';
import { DispatcherService } from './dispatcher.service.js';
import { EventRepository } from './event.repository.js';
import { ExecutionController } from './execution.controller.js';
import { ExecutorService } from './executor.service.js';
import { IntakeRoute } from './intake.route.js';
import { IntakeService } from './intake.service.js';
import { RunRepository } from './run.repository.js';
import { RunsService } from './runs.service.js';
import { TestRunService } from './test-run.service.js';
import { RouteFanoutService } from '../routes/route-fanout.service.js';
import { TRIGGER_SINK, WebhookService } from './webhook.service.js';

const providers = [
  EventRepository,
  RunRepository,
  ExecutorService,
  DispatcherService,
  IntakeService,
  ActionService,
  WebhookService,
  RunsService,
  TestRunService,
  { provide: TRIGGER_SINK, useExisting: RouteFanoutService },
];

@Global()
@Module({
  controllers: [ExecutionController],
  // The events route is served by Fastify directly (see intake.route.ts).
  providers: [...providers, IntakeRoute],
  exports: providers,
})
export class ExecutionModule {}

/** Workers need the services, not the HTTP controllers. */
@Global()
@Module({ providers, exports: providers })
export class ExecutionWorkerModule {}
