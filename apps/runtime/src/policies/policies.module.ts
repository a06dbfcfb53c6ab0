import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { FrontDoorGate, FrontDoorInterceptor } from './front-door.interceptor.js';
import { PolicyStateService } from './policy-state.service.js';

/** API processes: the front-door limits on the intake routes and the policy state of the health view. */
@Global()
@Module({
  providers: [
    FrontDoorGate,
    { provide: APP_INTERCEPTOR, useClass: FrontDoorInterceptor },
    PolicyStateService,
  ],
  exports: [FrontDoorGate, PolicyStateService],
})
export class PoliciesModule {}
