import type { MigrationInterface, QueryRunner } from 'typeorm';

// OAuth 2.0 authorization code: the platform's OAuth app per connector, pending authorization
// states and each installation's tokens. Portable DDL like the initial schema: one script for
// SQLite and PostgreSQL. Secrets (client secret, PKCE verifier, tokens) are AES-256-GCM envelopes.
const TABLES = [
  `CREATE TABLE oauth_apps (
    connector_id TEXT PRIMARY KEY, client_id TEXT NOT NULL, client_secret TEXT NOT NULL,
    updated_by TEXT NULL, updated_at BIGINT NOT NULL)`,
  `CREATE TABLE oauth_states (
    id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, installation_id TEXT NOT NULL,
    verifier TEXT NULL, redirect_uri TEXT NOT NULL, expires_at BIGINT NOT NULL,
    used_at BIGINT NULL, created_at BIGINT NOT NULL)`,
  `CREATE INDEX oauth_states_expiry ON oauth_states (expires_at)`,
  `CREATE TABLE oauth_tokens (
    installation_id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, tokens TEXT NOT NULL,
    scopes TEXT NOT NULL, expires_at BIGINT NULL, state TEXT NOT NULL, version INTEGER NOT NULL,
    connected_at BIGINT NOT NULL, refreshed_at BIGINT NULL)`,
];

export class OAuth1765000000000 implements MigrationInterface {
  name = 'OAuth1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of TABLES) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['oauth_tokens', 'oauth_states', 'oauth_apps']) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
