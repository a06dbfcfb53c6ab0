import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BodySchemaPipe } from '../common/body.pipe.js';
import { CurrentPrincipal, RequireScopes } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { InstallationHealthService } from './installation-health.service.js';

const ratio = { type: 'number', minimum: 0.5, maximum: 0.9999 };
const objectivesSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    delivery: {
      type: 'object',
      additionalProperties: false,
      properties: { target: ratio, withinMs: { type: 'integer', minimum: 1 } },
    },
    success: { type: 'object', additionalProperties: false, properties: { target: ratio } },
  },
};

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

  @Put(':id/slo')
  @RequireScopes('installations:write')
  @ApiOperation({
    summary:
      'Set the installation SLO objectives (defaults: 99% delivered within 60 s, 99.5% success)',
  })
  @ApiBody({ schema: objectivesSchema })
  setObjectives(
    @Param('id') id: string,
    @Body(new BodySchemaPipe(objectivesSchema)) body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.health.setObjectives(id, body, principal);
  }
}
