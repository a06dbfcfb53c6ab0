import { Body, Controller, Get, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CorrelationId, CurrentPrincipal, RequireScopes } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { BodySchemaPipe } from '../common/body.pipe.js';
import type { Bundle } from '../platform/ports.js';
import { CatalogService } from './catalog.service.js';

const bundleSchema = {
  type: 'object',
  required: ['format', 'definition', 'digest'],
  properties: {
    format: { const: 'plugboard.bundle/1' },
    definition: { type: 'object' },
    contracts: { type: 'array', items: { type: 'object' } },
    digest: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
    readme: { type: 'string' },
  },
};

const deprecateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['message'],
  properties: {
    message: { type: 'string', minLength: 1 },
    sunset: { type: 'string', format: 'date' },
  },
};

const contractSchema = {
  type: 'object',
  required: ['name', 'interactions', 'expect'],
  properties: {
    name: { type: 'string', minLength: 1 },
    consumer: { type: 'string', minLength: 1 },
    action: { type: 'string' },
    trigger: { type: 'string' },
    interactions: { type: 'array' },
    expect: { type: 'object' },
  },
};

@ApiTags('catalog')
@Controller('v1/connectors')
export class CatalogController {
  constructor(@Inject(CatalogService) private readonly catalog: CatalogService) {}

  @Get()
  @RequireScopes('catalog:read', 'installations:read', 'installations:write')
  async list() {
    return { connectors: await this.catalog.list() };
  }

  @Post()
  @RequireScopes('catalog:publish')
  @ApiOperation({
    summary: 'Publish a version (the bundle of `plugboard pack`); 201 or 422 with the gate report',
  })
  @ApiBody({ schema: bundleSchema })
  async publish(
    @Body(new BodySchemaPipe(bundleSchema)) bundle: Bundle,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const outcome = await this.catalog.publish(bundle, principal, correlationId);
    void reply.status(outcome.status);
    if (outcome.status === 422) {
      const first = outcome.report.errors[0];
      return {
        error: {
          code: 'PUBLISH_REFUSED',
          message: `the publish gate refused ${String(bundle.definition.id)}@${String(bundle.definition.version)}: ${first ? `${first.pointer || '/'} ${first.message}` : 'see report'}`,
          details: { errors: outcome.report.errors },
        },
        report: outcome.report,
      };
    }
    return { connector: outcome.connector, report: outcome.report };
  }

  @Get(':id')
  @RequireScopes('catalog:read', 'installations:read', 'installations:write')
  get(@Param('id') id: string) {
    return this.catalog.get(id);
  }

  @Get(':id/versions/:version')
  @RequireScopes('catalog:read', 'installations:read', 'installations:write')
  version(@Param('id') id: string, @Param('version') version: string) {
    return this.catalog.versionView(id, version);
  }

  @Post(':id/versions/:version/deprecate')
  @RequireScopes('catalog:publish')
  @ApiBody({ schema: deprecateSchema })
  deprecate(
    @Param('id') id: string,
    @Param('version') version: string,
    @Body(new BodySchemaPipe(deprecateSchema)) body: { message: string; sunset?: string },
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string,
  ) {
    return this.catalog.deprecate(id, version, body, principal, correlationId);
  }

  @Post(':id/contracts')
  @RequireScopes('catalog:publish', 'installations:write')
  @ApiOperation({ summary: 'Register a consumer contract; every later version must pass it' })
  @ApiBody({ schema: contractSchema })
  async registerContract(
    @Param('id') id: string,
    @Body(new BodySchemaPipe(contractSchema)) body: Record<string, unknown>,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.catalog.registerContract(id, body, principal, correlationId);
    void reply.status(201);
    return result;
  }
}
