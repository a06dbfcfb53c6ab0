import { Body, Controller, Delete, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CorrelationId, CurrentPrincipal, RequireScopes } from '../auth/auth.decorators.js';
import { SCOPES } from '../auth/principal.js';
import type { Principal, Scope } from '../auth/principal.js';
import { BodySchemaPipe } from '../common/body.pipe.js';
import { ApiKeyService } from './api-key.service.js';

const createKeySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['scopes'],
  properties: {
    tenantId: { type: 'string', minLength: 1 },
    name: { type: 'string', maxLength: 200 },
    scopes: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...SCOPES] } },
  },
};

@ApiTags('api-keys')
@Controller('v1/api-keys')
export class ApiKeyController {
  constructor(@Inject(ApiKeyService) private readonly keys: ApiKeyService) {}

  @Post()
  @RequireScopes('admin')
  @ApiOperation({ summary: 'Create an API key; the key is in this answer only' })
  @ApiBody({ schema: createKeySchema })
  create(
    @Body(new BodySchemaPipe(createKeySchema))
    body: { tenantId?: string; scopes: Scope[]; name?: string },
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string,
  ) {
    return this.keys.create(body, principal, correlationId);
  }

  @Get()
  @RequireScopes('admin')
  @ApiOperation({
    summary: 'List API keys (never their secrets): all for a platform admin, else its tenant',
  })
  @ApiQuery({ name: 'tenantId', required: false, description: "only this tenant's keys" })
  list(@Query('tenantId') tenantId: string | undefined, @CurrentPrincipal() principal: Principal) {
    return this.keys.list(principal, tenantId || undefined);
  }

  @Delete(':id')
  @RequireScopes('admin')
  @ApiOperation({
    summary:
      'Revoke an API key (audited); every process refuses it at once (over Redis in cluster mode)',
  })
  revoke(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string,
  ) {
    return this.keys.revoke(id, principal, correlationId);
  }

  // Any valid key may ask who it is: the editor decides which screens to show from the answer.
  @Get('current')
  @RequireScopes(...SCOPES)
  @ApiOperation({ summary: 'The calling key: its id, tenant and scopes' })
  current(@CurrentPrincipal() principal: Principal) {
    return { id: principal.keyId, tenantId: principal.tenantId, scopes: principal.scopes };
  }
}
