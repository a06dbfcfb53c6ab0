import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { InstallationHealthService } from './installation-health.service.js';

@ApiTags('installations')
@Controller('v1/installations')
export class InstallationHealthController {
  constructor(
    @Inject(InstallationHealthService) private readonly health: InstallationHealthService,
  ) {}

  @Get(':id/health')
  @RequireScopes('installations:read', 'installations:write', 'runs:read')
  @ApiOperation({
    summary:
      'Success rate, delivery latency p50/p99, duplicates, queue depth and lag, policy state, last success, SLO budgets',
  })
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.health.health(id, principal);
  }
}
