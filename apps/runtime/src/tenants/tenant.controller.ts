import { Body, Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CorrelationId, CurrentPrincipal, RequireScopes } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { BodySchemaPipe } from '../common/body.pipe.js';
import { TenantService } from './tenant.service.js';

const createTenantSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
};

@ApiTags('tenants')
@Controller('v1/tenants')
export class TenantController {
  constructor(@Inject(TenantService) private readonly tenants: TenantService) {}

  @Post()
  @RequireScopes('admin')
  @ApiOperation({ summary: 'Create a tenant (platform admin)' })
  @ApiBody({ schema: createTenantSchema })
  create(
    @Body(new BodySchemaPipe(createTenantSchema)) body: { name: string },
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string,
  ) {
    return this.tenants.create(body.name, principal, correlationId);
  }

  @Get()
  @RequireScopes('admin', 'installations:read')
  list(@CurrentPrincipal() principal: Principal) {
    return this.tenants.list(principal).then((tenants) => ({ tenants }));
  }

  @Get(':id')
  @RequireScopes('admin', 'installations:read')
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.tenants.get(id, principal);
  }
}
