import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { AuditService } from './audit.service.js';

@ApiTags('audit')
@Controller('v1/audit')
export class AuditController {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  @Get()
  @RequireScopes('admin', 'runs:read')
  @ApiOperation({
    summary: 'Audit log: publishes, installs, upgrades, credential changes, replays, key creation',
  })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query('tenantId') tenantId?: string,
    @Query('action') action?: string,
    @Query('limit') limit?: string,
  ) {
    const entries = await this.audit.list(principal, {
      tenantId,
      action,
      limit: limit ? Number(limit) : undefined,
    });
    return {
      entries: entries.map((e) => ({ ...e, createdAt: new Date(e.createdAt).toISOString() })),
    };
  }
}
