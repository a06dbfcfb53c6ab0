import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { AlertService } from './alert.service.js';

@ApiTags('observability')
@Controller('v1/alerts')
export class AlertController {
  constructor(@Inject(AlertService) private readonly alerts: AlertService) {}

  @Get()
  @RequireScopes('runs:read', 'installations:read')
  @ApiOperation({
    summary: 'Firing alerts and those resolved in the last 24 h; ?state=firing|resolved',
  })
  async list(@CurrentPrincipal() principal: Principal, @Query('state') state?: string) {
    return { alerts: await this.alerts.list(principal, state) };
  }
}
