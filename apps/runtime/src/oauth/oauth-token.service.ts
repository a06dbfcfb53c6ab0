import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuditService } from '../audit/audit.service.js';
import { LOGGER } from '../common/logger.js';
import { open, seal } from '../common/secret-box.js';
import { RUNTIME_CONFIG } from '../config/config.js';
import type { RuntimeConfig } from '../config/config.js';
import { rememberSecrets } from '../observability/secret-scrubber.js';
import { PLATFORM } from '../platform/ports.js';
import type { OAuthTokenProvider, Platform } from '../platform/ports.js';
import { TenantService } from '../tenants/tenant.service.js';
import { OAuthAppService } from './oauth-app.service.js';
import { OAuthGrantError, requestToken } from './oauth-client.js';
import type { AuthorizationCodeAuth, TokenGrant, TokenTransport } from './oauth-client.js';
import { OAuthRepository } from './oauth.repository.js';
import type { Db, OAuthTokenRow } from './oauth.repository.js';
import { iso } from '../common/iso.js';

export interface InstallationRef {
  id: string;
  tenantId: string;
  connectorId: string;
  config: Record<string, unknown>;
}

interface Tokens {
  accessToken: string;
  refreshToken?: string;
}

/**
 * A coded error the engine turns into the run's error. The class is transient on purpose: an item
 * that meets it is re-queued, and waits (the dispatcher skips a `needs_reauth` installation) until
 * the tenant reconnects, so nothing is lost.
 */
export class OAuthRunError extends Error {
  readonly code = 'PARTNER_TRANSIENT';

  constructor(
    message: string,
    readonly details: {
      reason: 'OAUTH_NOT_CONNECTED' | 'OAUTH_NEEDS_REAUTH' | 'OAUTH_REFRESH_FAILED';
    },
  ) {
    super(message);
    this.name = 'OAuthRunError';
  }
}

export interface ConnectionView {
  state: 'not_connected' | 'connected' | 'needs_reauth';
  scopes: string[];
  expiresAt: string | null;
  connectedAt: string | null;
  refreshedAt: string | null;
}

/** A token, or why the installation must be reconnected (marked outside the lock's transaction). */
type RefreshOutcome =
  { token: string; reauth?: never } | { token?: never; reauth: string; version: number };

const DEFAULT_SKEW_SEC = 60;
const TOKEN_TIMEOUT_MS = 10_000;

function aad(row: { installationId: string; tenantId: string }): string {
  return `oauth-tokens:${row.installationId}:tenant:${row.tenantId}`;
}

/**
 * Each installation's tokens: sealed under the tenant data key, handed to the engine through a
 * token provider (never into the sandbox), refreshed before expiry and after a partner's 401.
 *
 * Single flight: in this process a promise per installation folds concurrent refreshes into one;
 * across processes (cluster mode) the refresher holds the token row's lock (PostgreSQL
 * `SELECT ... FOR UPDATE`) and re-reads after acquiring it, so whoever waited finds the rotated
 * tokens and does not spend the old refresh token again. The write is a compare-and-set on the
 * row's version inside that transaction, so a rotated refresh token is stored atomically.
 */
@Injectable()
export class OAuthTokenService {
  private readonly inFlight = new Map<string, Promise<string>>();
  private transportValue: TokenTransport | undefined;

  constructor(
    @Inject(OAuthRepository) private readonly repository: OAuthRepository,
    @Inject(OAuthAppService) private readonly apps: OAuthAppService,
    @Inject(TenantService) private readonly tenants: TenantService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(PLATFORM) private readonly platform: Platform,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The engine's network transport: the same address rules as every partner call. */
  get transport(): TokenTransport {
    this.transportValue ??= this.platform.engine.createNetworkTransport({
      allowPrivate: this.config.egressAllowPrivate,
    });
    return this.transportValue;
  }

  private async sealTokens(ref: InstallationRef, tokens: Tokens): Promise<string> {
    const key = await this.tenants.dataKey(ref.tenantId);
    return seal(
      key,
      Buffer.from(JSON.stringify(tokens), 'utf8'),
      aad({ installationId: ref.id, tenantId: ref.tenantId }),
    );
  }

  private async openTokens(row: OAuthTokenRow): Promise<Tokens> {
    const key = await this.tenants.dataKey(row.tenantId);
    const tokens = JSON.parse(open(key, row.tokens, aad(row)).toString('utf8')) as Tokens;
    // Any log line that would carry them is scrubbed.
    rememberSecrets([tokens.accessToken, ...(tokens.refreshToken ? [tokens.refreshToken] : [])]);
    return tokens;
  }

  /** Stores the tokens of a new connection (code exchange) in the caller's transaction. */
  async store(ref: InstallationRef, grant: TokenGrant, db: Db): Promise<void> {
    rememberSecrets([grant.accessToken, ...(grant.refreshToken ? [grant.refreshToken] : [])]);
    await this.repository.putTokens(
      {
        installationId: ref.id,
        tenantId: ref.tenantId,
        tokens: await this.sealTokens(ref, {
          accessToken: grant.accessToken,
          ...(grant.refreshToken ? { refreshToken: grant.refreshToken } : {}),
        }),
        scopes: grant.scopes,
        expiresAt: grant.expiresAt,
        state: 'connected',
        connectedAt: Date.now(),
        refreshedAt: null,
      },
      db,
    );
  }

  async connection(installationId: string): Promise<ConnectionView> {
    const row = await this.repository.findTokens(installationId);
    if (!row)
      return {
        state: 'not_connected',
        scopes: [],
        expiresAt: null,
        connectedAt: null,
        refreshedAt: null,
      };
    return {
      state: row.state,
      scopes: row.scopes,
      expiresAt: iso(row.expiresAt),
      connectedAt: iso(row.connectedAt),
      refreshedAt: iso(row.refreshedAt),
    };
  }

  providerFor(ref: InstallationRef, auth: AuthorizationCodeAuth): OAuthTokenProvider {
    return {
      accessToken: () => this.accessToken(ref, auth),
      refresh: (rejected) => this.refresh(ref, auth, rejected),
    };
  }

  private async accessToken(ref: InstallationRef, auth: AuthorizationCodeAuth): Promise<string> {
    const row = await this.repository.findTokens(ref.id);
    let tokens: Tokens;
    try {
      tokens = await this.usable(ref, row);
    } catch (error) {
      // Not connected yet, or re-enabled by hand while the grant is still gone: the dispatcher
      // pauses the installation, so its items wait instead of spending their attempts.
      if (error instanceof OAuthRunError)
        await this.repository.setInstallationStatus(ref.id, 'enabled', 'needs_reauth', Date.now());
      throw error;
    }
    if (row && this.expiring(row, auth) && tokens.refreshToken && auth.refresh?.enabled !== false)
      return this.refresh(ref, auth, tokens.accessToken);
    return tokens.accessToken;
  }

  private expiring(row: OAuthTokenRow, auth: AuthorizationCodeAuth): boolean {
    const skewMs = (auth.refresh?.skewSec ?? DEFAULT_SKEW_SEC) * 1000;
    return row.expiresAt !== null && row.expiresAt - skewMs <= Date.now();
  }

  private async usable(ref: InstallationRef, row: OAuthTokenRow | null): Promise<Tokens> {
    if (!row)
      throw new OAuthRunError(
        `installation ${ref.id} is not connected to its provider yet: connect it (POST /v1/installations/${ref.id}/oauth/start, or Connect in the editor)`,
        { reason: 'OAUTH_NOT_CONNECTED' },
      );
    if (row.state === 'needs_reauth') throw this.needsReauth(ref);
    return this.openTokens(row);
  }

  private needsReauth(ref: InstallationRef): OAuthRunError {
    return new OAuthRunError(
      `the provider no longer accepts installation ${ref.id}'s authorization: reconnect it (Reconnect in the editor, or POST /v1/installations/${ref.id}/oauth/start); its queued items wait until then`,
      { reason: 'OAUTH_NEEDS_REAUTH' },
    );
  }

  /** A fresh access token in place of `rejected`; concurrent callers share one refresh. */
  refresh(ref: InstallationRef, auth: AuthorizationCodeAuth, rejected: string): Promise<string> {
    const pending = this.inFlight.get(ref.id);
    if (pending) return pending;
    const started = this.refreshLocked(ref, auth, rejected).finally(() =>
      this.inFlight.delete(ref.id),
    );
    this.inFlight.set(ref.id, started);
    return started;
  }

  private async refreshLocked(
    ref: InstallationRef,
    auth: AuthorizationCodeAuth,
    rejected: string,
  ): Promise<string> {
    const outcome = await this.repository.withTokenLock<RefreshOutcome>(ref.id, async (db) => {
      const row = await this.repository.findTokens(ref.id, db);
      const tokens = await this.usable(ref, row);
      // Re-read under the lock: another refresher may already have replaced the rejected token.
      if (row && tokens.accessToken !== rejected && !this.expiring(row, auth))
        return { token: tokens.accessToken };
      const refreshToken = tokens.refreshToken;
      if (!row || !refreshToken || auth.refresh?.enabled === false)
        return { reauth: 'no refresh token', version: row?.version ?? 0 };
      const client = await this.apps.client(ref.connectorId);
      if (!client) return { reauth: 'no OAuth app configured', version: row.version };
      let grant: TokenGrant;
      try {
        grant = await requestToken({
          auth,
          config: ref.config,
          client,
          params: { grant_type: 'refresh_token', refresh_token: refreshToken },
          transport: this.transport,
          timeoutMs: TOKEN_TIMEOUT_MS,
        });
      } catch (error) {
        if (error instanceof OAuthGrantError && error.error === 'invalid_grant')
          return { reauth: 'invalid_grant', version: row.version };
        this.logger.warn(
          {
            installationId: ref.id,
            tenantId: ref.tenantId,
            err: error instanceof OAuthGrantError ? error.error : String(error),
          },
          'OAuth token refresh failed; the next call tries again',
        );
        throw new OAuthRunError(
          `refreshing installation ${ref.id}'s access token failed (${error instanceof OAuthGrantError ? error.error : 'provider unreachable'}); the call is retried later`,
          { reason: 'OAUTH_REFRESH_FAILED' },
        );
      }
      rememberSecrets([grant.accessToken, ...(grant.refreshToken ? [grant.refreshToken] : [])]);
      const swapped = await this.repository.swapTokens(
        ref.id,
        row.version,
        {
          // Providers that do not rotate leave the old refresh token valid.
          tokens: await this.sealTokens(ref, {
            accessToken: grant.accessToken,
            refreshToken: grant.refreshToken ?? refreshToken,
          }),
          scopes: grant.scopes.length > 0 ? grant.scopes : row.scopes,
          expiresAt: grant.expiresAt,
          refreshedAt: Date.now(),
        },
        db,
      );
      if (!swapped) {
        // A reconnect landed meanwhile: its tokens win.
        const latest = await this.repository.findTokens(ref.id, db);
        return { token: (await this.usable(ref, latest)).accessToken };
      }
      this.logger.info({ installationId: ref.id, tenantId: ref.tenantId }, 'OAuth token refreshed');
      return { token: grant.accessToken };
    });
    if (outcome.token !== undefined) return outcome.token;
    if (await this.markNeedsReauth(ref, outcome.version, outcome.reauth))
      throw this.needsReauth(ref);
    // The tokens changed since the refused refresh (a reconnect, or another process's refresh
    // without the lock): what is stored now decides.
    return (await this.usable(ref, await this.repository.findTokens(ref.id))).accessToken;
  }

  private async markNeedsReauth(
    ref: InstallationRef,
    version: number,
    reason: string,
  ): Promise<boolean> {
    const now = Date.now();
    const marked = await this.repository.transaction(async (manager) => {
      if (!(await this.repository.markNeedsReauth(ref.id, version, manager))) return false;
      await this.repository.setInstallationStatus(ref.id, 'enabled', 'needs_reauth', now, manager);
      await this.audit.record(
        {
          actor: 'system',
          tenantId: ref.tenantId,
          action: 'installation.needs-reauth',
          targetType: 'installation',
          targetId: ref.id,
          details: { reason },
        },
        manager,
      );
      return true;
    });
    if (marked)
      this.logger.warn(
        { installationId: ref.id, tenantId: ref.tenantId, reason, alert: 'oauth_needs_reauth' },
        'OAuth refresh refused: the installation needs reconnecting; its deliveries are paused',
      );
    return marked;
  }
}
