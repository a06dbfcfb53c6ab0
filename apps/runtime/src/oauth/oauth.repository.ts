import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { isPostgres } from '../database/data-source.js';
import { nativeQuery } from '../triggers/native-sql.js';

export type Db = DataSource | EntityManager;

export interface OAuthAppRow {
  connectorId: string;
  clientId: string;
  /** Sealed envelope. */
  clientSecret: string;
  updatedAt: number;
}

export interface OAuthStateRow {
  id: string;
  tenantId: string;
  installationId: string;
  /** Sealed PKCE verifier, or null without PKCE. */
  verifier: string | null;
  redirectUri: string;
  expiresAt: number;
  usedAt: number | null;
}

export type TokenState = 'connected' | 'needs_reauth';

export interface OAuthTokenRow {
  installationId: string;
  tenantId: string;
  /** Sealed `{ accessToken, refreshToken? }`. */
  tokens: string;
  scopes: string[];
  expiresAt: number | null;
  state: TokenState;
  version: number;
  connectedAt: number;
  refreshedAt: number | null;
}

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function tokenRow(r: Record<string, unknown>): OAuthTokenRow {
  return {
    installationId: String(r.installation_id),
    tenantId: String(r.tenant_id),
    tokens: String(r.tokens),
    scopes: JSON.parse(String(r.scopes)) as string[],
    expiresAt: numOrNull(r.expires_at),
    state: String(r.state) as TokenState,
    version: num(r.version),
    connectedAt: num(r.connected_at),
    refreshedAt: numOrNull(r.refreshed_at),
  };
}

function stateRow(r: Record<string, unknown>): OAuthStateRow {
  return {
    id: String(r.id),
    tenantId: String(r.tenant_id),
    installationId: String(r.installation_id),
    verifier: r.verifier === null ? null : String(r.verifier),
    redirectUri: String(r.redirect_uri),
    expiresAt: num(r.expires_at),
    usedAt: numOrNull(r.used_at),
  };
}

/** Plain SQL on both drivers: the conditional updates below are the whole point of this store. */
@Injectable()
export class OAuthRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async putApp(app: OAuthAppRow, updatedBy: string): Promise<void> {
    await nativeQuery(
      this.db,
      `INSERT INTO oauth_apps (connector_id, client_id, client_secret, updated_by, updated_at)
       VALUES (:connectorId, :clientId, :clientSecret, :updatedBy, :updatedAt)
       ON CONFLICT (connector_id) DO UPDATE SET client_id = :clientId,
         client_secret = :clientSecret, updated_by = :updatedBy, updated_at = :updatedAt`,
      { ...app, updatedBy },
    );
  }

  async findApp(connectorId: string): Promise<OAuthAppRow | null> {
    const [r] = await nativeQuery(
      this.db,
      'SELECT connector_id, client_id, client_secret, updated_at FROM oauth_apps WHERE connector_id = :connectorId',
      { connectorId },
    );
    if (!r) return null;
    return {
      connectorId: String(r.connector_id),
      clientId: String(r.client_id),
      clientSecret: String(r.client_secret),
      updatedAt: num(r.updated_at),
    };
  }

  async insertState(state: OAuthStateRow, now: number): Promise<void> {
    // Expired states are of no use to anyone: dropping them here keeps the table small.
    await nativeQuery(this.db, 'DELETE FROM oauth_states WHERE expires_at < :cutoff', {
      cutoff: now - 24 * 3600_000,
    });
    await nativeQuery(
      this.db,
      `INSERT INTO oauth_states (id, tenant_id, installation_id, verifier, redirect_uri, expires_at, used_at, created_at)
       VALUES (:id, :tenantId, :installationId, :verifier, :redirectUri, :expiresAt, NULL, :now)`,
      { ...state, now },
    );
  }

  /** Marks the state used, once: of two callbacks with the same state only one gets the row. */
  async consumeState(id: string, now: number): Promise<OAuthStateRow | null> {
    const [r] = await nativeQuery(
      this.db,
      `UPDATE oauth_states SET used_at = :now
       WHERE id = :id AND used_at IS NULL AND expires_at > :now
       RETURNING id, tenant_id, installation_id, verifier, redirect_uri, expires_at, used_at`,
      { id, now },
    );
    return r ? stateRow(r) : null;
  }

  async findState(id: string): Promise<OAuthStateRow | null> {
    const [r] = await nativeQuery(
      this.db,
      'SELECT id, tenant_id, installation_id, verifier, redirect_uri, expires_at, used_at FROM oauth_states WHERE id = :id',
      { id },
    );
    return r ? stateRow(r) : null;
  }

  async findTokens(installationId: string, db: Db = this.db): Promise<OAuthTokenRow | null> {
    const [r] = await nativeQuery(
      db,
      `SELECT installation_id, tenant_id, tokens, scopes, expires_at, state, version, connected_at, refreshed_at
       FROM oauth_tokens WHERE installation_id = :installationId`,
      { installationId },
    );
    return r ? tokenRow(r) : null;
  }

  /** A new connection replaces whatever was there and bumps the version past every refresher. */
  async putTokens(row: Omit<OAuthTokenRow, 'version'>, db: Db): Promise<void> {
    await nativeQuery(
      db,
      `INSERT INTO oauth_tokens (installation_id, tenant_id, tokens, scopes, expires_at, state, version, connected_at, refreshed_at)
       VALUES (:installationId, :tenantId, :tokens, :scopes, :expiresAt, :state, 1, :connectedAt, :refreshedAt)
       ON CONFLICT (installation_id) DO UPDATE SET tokens = :tokens, scopes = :scopes,
         expires_at = :expiresAt, state = :state, version = oauth_tokens.version + 1,
         connected_at = :connectedAt, refreshed_at = :refreshedAt`,
      { ...row, scopes: JSON.stringify(row.scopes) },
    );
  }

  /**
   * Compare-and-set on the token version: a rotated refresh token is written only over the
   * tokens it was refreshed from, so two refreshers can never leave the older rotation behind.
   */
  async swapTokens(
    installationId: string,
    fromVersion: number,
    next: { tokens: string; scopes: string[]; expiresAt: number | null; refreshedAt: number },
    db: Db,
  ): Promise<boolean> {
    const rows = await nativeQuery(
      db,
      `UPDATE oauth_tokens SET tokens = :tokens, scopes = :scopes, expires_at = :expiresAt,
         refreshed_at = :refreshedAt, version = version + 1
       WHERE installation_id = :installationId AND version = :fromVersion AND state = 'connected'
       RETURNING version`,
      { ...next, scopes: JSON.stringify(next.scopes), installationId, fromVersion },
    );
    return rows.length === 1;
  }

  async markNeedsReauth(installationId: string, fromVersion: number, db: Db): Promise<boolean> {
    const rows = await nativeQuery(
      db,
      `UPDATE oauth_tokens SET state = 'needs_reauth'
       WHERE installation_id = :installationId AND version = :fromVersion RETURNING version`,
      { installationId, fromVersion },
    );
    return rows.length === 1;
  }

  /** Sets the installation's status; `from` guards against overriding a status an admin chose. */
  async setInstallationStatus(
    installationId: string,
    from: string,
    to: string,
    now: number,
    db: Db = this.db,
  ): Promise<void> {
    await nativeQuery(
      db,
      'UPDATE installations SET status = :to, updated_at = :now WHERE id = :installationId AND status = :from',
      { installationId, from, to, now },
    );
  }

  /**
   * Runs `work` holding the installation's token row. PostgreSQL: a row lock (`FOR UPDATE`) for
   * the transaction, so refreshers in other processes wait and then re-read. SQLite is one process
   * (embedded mode), where the service's in-process single flight is the lock, and the version
   * compare-and-set still guards the write.
   */
  async withTokenLock<T>(installationId: string, work: (db: Db) => Promise<T>): Promise<T> {
    if (!isPostgres(this.db)) return work(this.db);
    return this.db.transaction(async (manager) => {
      await nativeQuery(
        manager,
        'SELECT installation_id FROM oauth_tokens WHERE installation_id = :installationId FOR UPDATE',
        { installationId },
      );
      return work(manager);
    });
  }
}
