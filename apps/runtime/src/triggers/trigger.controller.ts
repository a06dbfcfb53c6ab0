import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { TriggerService } from './trigger.service.js';

@ApiTags('routes')
@Controller('v1/installations/:id/triggers')
export class TriggerController {
  constructor(@Inject(TriggerService) private readonly triggers: TriggerService) {}

  @Get()
  @RequireScopes('installations:read', 'installations:write')
  @ApiOperation({
    summary: "An installation's triggers: routes, and for polls the cursor, schedule and backoff",
  })
  list(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.triggers.list(id, principal);
  }

  @Get(':trigger/records')
  @RequireScopes('installations:read', 'runs:read')
  @ApiOperation({
    summary:
      "A trigger's latest records: state, route refusals and the correlation id of the events they became",
  })
  records(
    @Param('id') id: string,
    @Param('trigger') trigger: string,
    @CurrentPrincipal() principal: Principal,
    @Query('limit') limit?: string,
  ) {
    return this.triggers.records(id, trigger, principal, limit ? Number(limit) || 50 : 50);
  }
}
