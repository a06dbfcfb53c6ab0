import { Global, Module } from '@nestjs/common';
import { OAuthAppService } from './oauth-app.service.js';
import { OAuthFlowService } from './oauth-flow.service.js';
import { OAuthTokenService } from './oauth-token.service.js';
import { OAuthController } from './oauth.controller.js';
import { OAuthRepository } from './oauth.repository.js';

/** OAuth 2.0 authorization code: the OAuth app per connector, the flow, and the token store. */
@Global()
@Module({
  controllers: [OAuthController],
  providers: [OAuthRepository, OAuthAppService, OAuthTokenService, OAuthFlowService],
  exports: [OAuthTokenService],
})
export class OAuthModule {}
