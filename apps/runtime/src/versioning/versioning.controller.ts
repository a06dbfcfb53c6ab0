import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CorrelationId, CurrentPrincipal, RequireScopes } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { BodySchemaPipe } from '../common/body.pipe.js';
import { InstallationService } from '../installations/installation.service.js';
import { ChangelogService } from './changelog.service.js';
import { DeprecationService } from './deprecation.service.js';
import type { RolloutPolicy } from './rollout.entity.js';
import { RolloutService } from './rollout.service.js';
import type { RolloutCommand } from './rollout.service.js';

const policySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['policy'],
  properties: {
    policy: { enum: ['auto', 'staged', 'manual'] },
    initialPercent: {
      type: 'integer',
      minimum: 0,
      maximum: 100,
      description: 'staged only: the share a new version starts with',
    },
  },
};

const rolloutSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  description: 'either {percent} or {action}',
  properties: {
    percent: { type: 'integer', minimum: 0, maximum: 100 },
    action: { enum: ['halt', 'resume', 'rollback'] },
  },
};

const READ = ['catalog:read', 'installations:read', 'installations:write'] as const;

@ApiTags('versioning')
@Controller()
export class VersioningController {
  constructor(
    @Inject(RolloutService) private readonly rollouts: RolloutService,
    @Inject(ChangelogService) private readonly changelogs: ChangelogService,
    @Inject(DeprecationService) private readonly deprecations: DeprecationService,
    @Inject(InstallationService) private readonly installations: InstallationService,
  ) {}

  @Get('v1/connectors/:id/rollout-policy')
  @RequireScopes(...READ)
  policy(@Param('id') id: string) {
    return this.rollouts.policy(id);
  }

  @Put('v1/connectors/:id/rollout-policy')
  @RequireScopes('catalog:publish')
  @ApiOperation({
    summary:
      'How later minor and patch versions reach installations: auto (all at once), staged (a share), manual',
  })
  @ApiBody({ schema: policySchema })
  setPolicy(
    @Param('id') id: string,
    @Body(new BodySchemaPipe(policySchema))
    body: { policy: RolloutPolicy; initialPercent?: number },
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string,
  ) {
    return this.rollouts.setPolicy(id, body, principal, correlationId);
  }

  @Get('v1/connectors/:id/rollouts')
  // Publisher-facing: the counts span every tenant's installations.
  @RequireScopes('catalog:publish')
  async list(@Param('id') id: string) {
    return { rollouts: await this.rollouts.list(id) };
  }

  @Get('v1/connectors/:id/versions/:version/rollout')
  // Publisher-facing: the counts span every tenant's installations.
  @RequireScopes('catalog:publish')
  rollout(@Param('id') id: string, @Param('version') version: string) {
    return this.rollouts.get(id, version);
  }

  @Post('v1/connectors/:id/versions/:version/rollout')
  @HttpCode(200)
  @RequireScopes('catalog:publish')
  @ApiOperation({
    summary: 'Raise a roll-out to a share ({percent}), or halt, resume or roll it back ({action})',
  })
  @ApiBody({ schema: rolloutSchema })
  command(
    @Param('id') id: string,
    @Param('version') version: string,
    @Body(new BodySchemaPipe(rolloutSchema)) body: RolloutCommand,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string,
  ) {
    return this.rollouts.command(id, version, body, principal, correlationId);
  }

  @Get('v1/connectors/:id/changelog')
  @RequireScopes(...READ)
  changelog(@Param('id') id: string) {
    return this.changelogs.changelog(id);
  }

  @Get('v1/installations/:id/versioning')
  @RequireScopes('installations:read', 'installations:write')
  @ApiOperation({
    summary: "The installation's version, range, pending roll-outs and deprecation warnings",
  })
  async versioning(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    const installation = await this.installations.find(id, principal);
    const status = await this.deprecations.statusOf(installation);
    return {
      installationId: id,
      connectorId: installation.connectorId,
      version: installation.version,
      range: installation.range,
      pendingRollouts: await this.rollouts.pendingFor(installation),
      deprecation: status.deprecation
        ? { ...status.deprecation, sunsetPassed: status.sunset, moveTo: status.moveTo }
        : null,
      warnings: await this.deprecations.warningsFor(installation),
    };
  }
}
