import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { DomainError } from '../common/domain-error.js';
import { sha256 } from '../common/ids.js';
import { LOGGER } from '../common/logger.js';
import { open, seal } from '../common/secret-box.js';
import { RUNTIME_CONFIG } from '../config/config.js';
import type { RuntimeConfig } from '../config/config.js';
import type { InstallationEntity } from '../installations/installation.entity.js';
import { InstallationService } from '../installations/installation.service.js';
import { TenantService } from '../tenants/tenant.service.js';
import { OAuthAppService } from './oauth-app.service.js';
import {
  buildAuthorizeUrl,
  isAuthorizationCode,
  OAuthGrantError,
  pkcePair,
  requestToken,
} from './oauth-client.js';
import type { AuthorizationCodeAuth, TokenGrant } from './oauth-client.js';
import type { OutcomePage } from './oauth-pages.js';
import { providerText } from './oauth-pages.js';
import { OAuthTokenService } from './oauth-token.service.js';
import { OAuthRepository } from './oauth.repository.js';
import type { OAuthStateRow } from './oauth.repository.js';

export interface StartResult {
  authorizeUrl: string;
  state: string;
  expiresAt: string;
  redirectUri: string;
}

export interface CallbackQuery {
  code?: string;
  state?: string;
  error?: string;
  error_description?: string;
}

export type CallbackOutcome = { redirect: string } | { page: OutcomePage };

function stateId(state: string): string {
  // Only a hash is stored: a copy of the table cannot be replayed against the callback.
  return sha256(state);
}

function verifierAad(row: { id: string; installationId: string }): string {
  return `oauth-state:${row.id}:installation:${row.installationId}`;
}

/** The authorization code flow: start (authorize URL, state, PKCE) and the provider's callback. */
@Injectable()
export class OAuthFlowService {
  constructor(
    @Inject(OAuthRepository) private readonly repository: OAuthRepository,
    @Inject(OAuthAppService) private readonly apps: OAuthAppService,
    @Inject(OAuthTokenService) private readonly tokens: OAuthTokenService,
    @Inject(InstallationService) private readonly installations: InstallationService,
    @Inject(TenantService) private readonly tenants: TenantService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  get redirectUri(): string {
    return `${this.config.publicUrl.replace(/\/+$/, '')}/oauth/callback`;
  }

  private installationPage(id: string, outcome?: string): string {
    const base = `${this.config.publicUrl.replace(/\/+$/, '')}/#/installations/${encodeURIComponent(id)}`;
    return outcome ? `${base}?oauth=${outcome}` : base;
  }

  private async authOf(installation: InstallationEntity): Promise<AuthorizationCodeAuth> {
    const connector = await this.installations.connectorOf(installation);
    const auth = connector.definition.auth;
    if (!isAuthorizationCode(auth)) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `connector ${installation.connectorId}@${installation.version} does not use oauth2AuthorizationCode auth (/auth/type): set its credentials with PATCH /v1/installations/${installation.id}`,
        { pointer: '/auth/type' },
      );
    }
    return auth;
  }

  async start(id: string, principal: Principal, correlationId?: string): Promise<StartResult> {
    const installation = await this.installations.find(id, principal);
    const auth = await this.authOf(installation);
    const client = await this.apps.client(installation.connectorId);
    if (!client) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `connector ${installation.connectorId} has no OAuth app yet: a platform admin sets its client id and secret with PUT /v1/connectors/${installation.connectorId}/oauth-app`,
        { connectorId: installation.connectorId },
      );
    }
    const state = randomBytes(32).toString('base64url');
    const pkce = auth.pkce === false ? undefined : pkcePair();
    const now = Date.now();
    const row: OAuthStateRow = {
      id: stateId(state),
      tenantId: installation.tenantId,
      installationId: installation.id,
      verifier: null,
      redirectUri: this.redirectUri,
      expiresAt: now + this.config.oauthStateTtlSec * 1000,
      usedAt: null,
    };
    if (pkce) {
      const key = await this.tenants.dataKey(installation.tenantId);
      row.verifier = seal(key, Buffer.from(pkce.verifier, 'utf8'), verifierAad(row));
    }
    await this.repository.insertState(row, now);
    this.logger.info(
      { installationId: installation.id, tenantId: installation.tenantId, correlationId },
      'OAuth authorization started',
    );
    return {
      authorizeUrl: buildAuthorizeUrl(auth, installation.config, {
        clientId: client.clientId,
        redirectUri: row.redirectUri,
        state,
        ...(pkce ? { challenge: pkce.challenge } : {}),
      }),
      state,
      expiresAt: new Date(row.expiresAt).toISOString(),
      redirectUri: row.redirectUri,
    };
  }

  async callback(query: CallbackQuery): Promise<CallbackOutcome> {
    if (!query.state) {
      return page(
        400,
        'Missing state',
        'This address lacks the state that ties it to an authorization. Start again with Connect on the installation page.',
      );
    }
    const now = Date.now();
    const id = stateId(query.state);
    const state = await this.repository.consumeState(id, now);
    if (!state) return this.refusedState(id);
    const back = this.installationPage(state.installationId);
    if (query.error) return this.providerError(query, back);
    if (!query.code) {
      return page(
        400,
        'No authorization code',
        'The provider came back without an authorization code. Start again with Connect on the installation page.',
        back,
      );
    }
    const installation = await this.installationOf(state);
    if (!installation) {
      return page(
        404,
        'Installation not found',
        'The installation this authorization was for no longer exists. Enable the connector again.',
      );
    }
    const auth = await this.authOf(installation);
    const client = await this.apps.client(installation.connectorId);
    if (!client) {
      return page(
        409,
        'OAuth app missing',
        `Connector ${installation.connectorId} has no OAuth app any more. Ask a platform admin to set it, then press Connect again.`,
        back,
      );
    }
    let verifier: string | undefined;
    if (state.verifier) {
      const key = await this.tenants.dataKey(state.tenantId);
      verifier = open(key, state.verifier, verifierAad(state)).toString('utf8');
    }
    let grant: TokenGrant;
    try {
      grant = await requestToken({
        auth,
        config: installation.config,
        client,
        params: {
          grant_type: 'authorization_code',
          code: query.code,
          redirect_uri: state.redirectUri,
          ...(verifier ? { code_verifier: verifier } : {}),
        },
        transport: this.tokens.transport,
        timeoutMs: 10_000,
      });
    } catch (error) {
      return this.exchangeError(error, state, back);
    }
    const ref = {
      id: installation.id,
      tenantId: installation.tenantId,
      connectorId: installation.connectorId,
      config: installation.config,
    };
    await this.repository.transaction(async (manager) => {
      await this.tokens.store(ref, grant, manager);
      // A reconnect resumes the deliveries a refused refresh paused.
      await this.repository.setInstallationStatus(
        installation.id,
        'needs_reauth',
        'enabled',
        Date.now(),
        manager,
      );
      await this.audit.record(
        {
          actor: 'system',
          tenantId: installation.tenantId,
          action: 'installation.oauth-connected',
          targetType: 'installation',
          targetId: installation.id,
          details: {
            scopes: grant.scopes,
            expiresAt: grant.expiresAt === null ? null : new Date(grant.expiresAt).toISOString(),
            refreshToken: grant.refreshToken !== undefined,
          },
        },
        manager,
      );
    });
    this.logger.info(
      { installationId: installation.id, tenantId: installation.tenantId, scopes: grant.scopes },
      'OAuth installation connected',
    );
    return { redirect: this.installationPage(installation.id, 'connected') };
  }

  private async installationOf(state: OAuthStateRow): Promise<InstallationEntity | null> {
    try {
      const { installation } = await this.installations.runnable(state.installationId);
      // Bound to the tenant that started it: an installation moved elsewhere is not this one.
      return installation.tenantId === state.tenantId ? installation : null;
    } catch (error) {
      if (error instanceof DomainError && error.code === 'INSTALLATION_NOT_FOUND') return null;
      throw error;
    }
  }

  private async refusedState(id: string): Promise<CallbackOutcome> {
    const known = await this.repository.findState(id);
    if (!known) {
      return page(
        400,
        'Unknown authorization',
        'This authorization was not started here, or it is too old to remember. Start again with Connect on the installation page.',
      );
    }
    const back = this.installationPage(known.installationId);
    if (known.usedAt !== null) {
      return page(
        400,
        'Authorization already used',
        'This authorization link was already used once and cannot be used again. If the installation is not connected, press Connect again.',
        back,
      );
    }
    const minutes = Math.round(this.config.oauthStateTtlSec / 60);
    return page(
      400,
      'Authorization expired',
      `This authorization expired (it is valid for ${minutes >= 1 ? `${minutes} minute${minutes === 1 ? '' : 's'}` : `${this.config.oauthStateTtlSec} seconds`} after Connect) at ${new Date(known.expiresAt).toISOString()}. Press Connect again and finish at the provider in time.`,
      back,
    );
  }

  private providerError(query: CallbackQuery, back: string): CallbackOutcome {
    if (query.error === 'access_denied') {
      return page(
        403,
        'Access was declined',
        `The provider reports that access was declined, so the installation is not connected.${providerText(query.error_description)} Press Connect again and approve the requested access to connect it.`,
        back,
      );
    }
    return page(
      400,
      'The provider refused the authorization',
      `The provider answered "${query.error ?? 'error'}".${providerText(query.error_description)} Check the connector's OAuth app settings at the provider, then press Connect again.`,
      back,
    );
  }

  private exchangeError(error: unknown, state: OAuthStateRow, back: string): CallbackOutcome {
    if (!(error instanceof OAuthGrantError)) {
      this.logger.warn(
        {
          installationId: state.installationId,
          err: error instanceof Error ? error.message : String(error),
        },
        'OAuth code exchange failed: token endpoint unreachable',
      );
      return page(
        502,
        'The provider could not be reached',
        'Exchanging the authorization code failed because the token endpoint did not answer. Press Connect again in a moment.',
        back,
      );
    }
    this.logger.warn(
      { installationId: state.installationId, oauthError: error.error, status: error.status },
      'OAuth code exchange refused',
    );
    const said = providerText(error.description);
    if (error.error === 'redirect_uri_mismatch' || /redirect/i.test(error.description ?? '')) {
      return page(
        400,
        'Redirect address not accepted',
        `The provider does not accept this runtime's redirect address ${state.redirectUri}.${said} Register exactly this address in the OAuth app at the provider (or set PLUGBOARD_PUBLIC_URL to the address the runtime is reached at), then press Connect again.`,
        back,
      );
    }
    if (error.error === 'invalid_grant') {
      return page(
        400,
        'Authorization code refused',
        `The provider refused the authorization code: it expired, was already used, or belongs to another authorization.${said} Press Connect again.`,
        back,
      );
    }
    if (error.error === 'invalid_client' || error.error === 'unauthorized_client') {
      return page(
        400,
        'OAuth app refused',
        `The provider refused the connector's OAuth app credentials.${said} Ask a platform admin to check the client id and secret (PUT /v1/connectors/:id/oauth-app), then press Connect again.`,
        back,
      );
    }
    return page(
      400,
      'Authorization failed',
      `The provider answered "${error.error}" to the code exchange.${said} Press Connect again; if it keeps failing, check the OAuth app at the provider.`,
      back,
    );
  }
}

function page(status: number, title: string, message: string, back?: string): CallbackOutcome {
  return { page: { status, title, message, ...(back ? { back } : {}) } };
}
