import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CorrelationId, CurrentPrincipal, RequireScopes } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { BodySchemaPipe } from '../common/body.pipe.js';
import { DomainError } from '../common/domain-error.js';
import { UpgradeService } from '../versioning/upgrade.service.js';
import { InstallationService } from './installation.service.js';
import type { CreateInstallation, UpdateInstallation } from './installation.service.js';

const credentialsSchema = { type: 'object', additionalProperties: { type: 'string' } };
const createSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['connectorId'],
  properties: {
    connectorId: { type: 'string', minLength: 1 },
    version: { type: 'string', minLength: 1, description: 'semver range; default ^<latest>' },
    tenantId: { type: 'string', minLength: 1, description: 'required with a platform admin key' },
    name: { type: 'string', maxLength: 200 },
    config: { type: 'object' },
    credentials: credentialsSchema,
    quotas: { type: 'object' },
  },
};
const updateSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    version: { type: 'string', minLength: 1 },
    name: { type: 'string', maxLength: 200 },
    config: { type: 'object' },
    credentials: credentialsSchema,
    quotas: { type: 'object' },
    status: { enum: ['enabled', 'disabled'] },
    events: {
      type: 'array',
      items: { type: 'string' },
      maxItems: 50,
      description: 'with ?dryRun=true: the events to replay (default: the last 50)',
    },
  },
};

@ApiTags('installations')
@Controller('v1/installations')
export class InstallationController {
  constructor(
    @Inject(InstallationService) private readonly installations: InstallationService,
    @Inject(UpgradeService) private readonly upgrades: UpgradeService,
  ) {}

  @Post()
  @RequireScopes('installations:write')
  @ApiOperation({
    summary: 'Enable a connector for a tenant: version range, config, credentials, quotas',
  })
  @ApiBody({ schema: createSchema })
  create(
    @Body(new BodySchemaPipe(createSchema)) body: CreateInstallation,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string,
  ) {
    return this.installations.create(body, principal, correlationId);
  }

  @Get()
  @RequireScopes('installations:read', 'installations:write')
  async list(@CurrentPrincipal() principal: Principal, @Query('tenantId') tenantId?: string) {
    return { installations: await this.installations.list(principal, tenantId) };
  }

  @Get(':id')
  @RequireScopes('installations:read', 'installations:write')
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.installations.get(id, principal);
  }

  @Patch(':id')
  @RequireScopes('installations:write')
  @ApiOperation({
    summary:
      'Update config, rotate credentials, change version (upgrade; ?dryRun=true replays recent events through both versions offline), enable or disable',
  })
  @ApiBody({ schema: updateSchema })
  update(
    @Param('id') id: string,
    @Body(new BodySchemaPipe(updateSchema)) body: UpdateInstallation & { events?: string[] },
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string,
    @Query('dryRun') dryRun?: string,
  ) {
    const { events, ...update } = body;
    if (dryRun === 'true') {
      if (update.version === undefined)
        throw new DomainError('VALIDATION_FAILED', 'a dry run needs the version to try', {
          errors: [{ pointer: '/version', code: 'REQUIRED', message: 'name the version to try' }],
        });
      return this.upgrades.dryRun(
        id,
        { version: update.version, ...(update.config ? { config: update.config } : {}), events },
        principal,
      );
    }
    if (events !== undefined)
      throw new DomainError('VALIDATION_FAILED', 'events only go with ?dryRun=true', {
        errors: [{ pointer: '/events', code: 'DRY_RUN_ONLY', message: 'add ?dryRun=true' }],
      });
    return this.installations.update(id, update, principal, correlationId);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('installations:write')
  async remove(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string,
  ) {
    await this.installations.remove(id, principal, correlationId);
  }
}
