import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CorrelationId, CurrentPrincipal, Public, RequireScopes } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { BodySchemaPipe } from '../common/body.pipe.js';
import { InstallationService } from '../installations/installation.service.js';
import type { OAuthAppInput } from './oauth-app.service.js';
import { OAuthAppService } from './oauth-app.service.js';
import type { CallbackQuery } from './oauth-flow.service.js';
import { OAuthFlowService } from './oauth-flow.service.js';
import { isAuthorizationCode } from './oauth-client.js';
import { renderPage } from './oauth-pages.js';
import { OAuthTokenService } from './oauth-token.service.js';

const appSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['clientId', 'clientSecret'],
  properties: {
    clientId: { type: 'string', minLength: 1, maxLength: 512 },
    clientSecret: { type: 'string', minLength: 1, maxLength: 4096 },
  },
};

@ApiTags('oauth')
@Controller()
export class OAuthController {
  constructor(
    @Inject(OAuthAppService) private readonly apps: OAuthAppService,
    @Inject(OAuthFlowService) private readonly flow: OAuthFlowService,
    @Inject(OAuthTokenService) private readonly tokens: OAuthTokenService,
    @Inject(InstallationService) private readonly installations: InstallationService,
  ) {}

  @Put('v1/connectors/:id/oauth-app')
  @RequireScopes('admin')
  @ApiOperation({ summary: "Set the platform's OAuth app (client id and secret) of a connector" })
  @ApiBody({ schema: appSchema })
  putApp(
    @Param('id') id: string,
    @Body(new BodySchemaPipe(appSchema)) body: OAuthAppInput,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string,
  ) {
    return this.apps.put(id, body, principal, correlationId);
  }

  @Get('v1/connectors/:id/oauth-app')
  @RequireScopes('admin')
  @ApiOperation({
    summary: 'Whether a connector has an OAuth app, and its client id (never the secret)',
  })
  getApp(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.apps.get(id, principal);
  }

  @Post('v1/installations/:id/oauth/start')
  @HttpCode(200)
  @RequireScopes('installations:write')
  @ApiOperation({
    summary: 'Start connecting an installation: the authorize URL to open, with a single-use state',
  })
  start(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string,
  ) {
    return this.flow.start(id, principal, correlationId);
  }

  @Get('v1/installations/:id/oauth')
  @RequireScopes('installations:read', 'installations:write')
  @ApiOperation({
    summary: "An installation's OAuth connection: state, scopes granted, token expiry",
  })
  async connection(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    const installation = await this.installations.find(id, principal);
    const connector = await this.installations.connectorOf(installation);
    return {
      installationId: installation.id,
      /** Whether the connector authorizes with the code flow at all (the editor shows Connect). */
      oauth: isAuthorizationCode(connector.definition.auth),
      status: installation.status,
      ...(await this.tokens.connection(installation.id)),
    };
  }

  @Get('oauth/callback')
  @Public()
  @ApiOperation({ summary: "The provider's redirect back after authorization (browser)" })
  async callback(@Query() query: CallbackQuery, @Res() reply: FastifyReply): Promise<void> {
    const outcome = await this.flow.callback(query);
    // The URL carried a code: keep it out of referrers and caches.
    void reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    if ('redirect' in outcome) {
      await reply.status(302).header('location', outcome.redirect).send();
      return;
    }
    await reply
      .status(outcome.page.status)
      .header('content-type', 'text/html; charset=utf-8')
      .send(renderPage(outcome.page));
  }
}
