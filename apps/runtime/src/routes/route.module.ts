import { Global, Module } from '@nestjs/common';
import { PollSchedulerService } from '../triggers/poll-scheduler.service.js';
import { TriggerController } from '../triggers/trigger.controller.js';
import { TriggerRepository } from '../triggers/trigger.repository.js';
import { TriggerService } from '../triggers/trigger.service.js';
import { RouteController } from './route.controller.js';
import { RouteFanoutService } from './route-fanout.service.js';
import { RouteOrderingService } from './route-ordering.service.js';
import { RouteRepository } from './route.repository.js';
import { RouteService } from './route.service.js';

/**
 * Routes and the triggers that feed them, one module: fan-out needs trigger records and the poll
 * scheduler needs fan-out, so splitting them would only add a module cycle.
 */
@Global()
@Module({
  controllers: [RouteController, TriggerController],
  providers: [
    RouteRepository,
    RouteService,
    RouteFanoutService,
    RouteOrderingService,
    TriggerRepository,
    TriggerService,
    PollSchedulerService,
  ],
  exports: [RouteFanoutService],
})
export class RouteModule {}
