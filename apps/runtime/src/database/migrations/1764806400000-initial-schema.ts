import type { MigrationInterface, QueryRunner } from 'typeorm';

// Hand-written and portable: TEXT, INTEGER and BIGINT mean the same on SQLite and PostgreSQL, so one
// script serves both databases and no ORM-generated dialect drift creeps in.
const TABLES = [
  `CREATE TABLE tenants (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, data_key TEXT NOT NULL, created_at BIGINT NOT NULL)`,
  `CREATE TABLE api_keys (
    id TEXT PRIMARY KEY, tenant_id TEXT NULL REFERENCES tenants(id), name TEXT NULL, secret_hash TEXT NOT NULL,
    scopes TEXT NOT NULL, created_by TEXT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT NULL)`,
  `CREATE TABLE connectors (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT NULL, latest_version TEXT NOT NULL,
    created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)`,
  `CREATE TABLE connector_versions (
    id TEXT PRIMARY KEY, connector_id TEXT NOT NULL REFERENCES connectors(id), version TEXT NOT NULL,
    major INTEGER NOT NULL, digest TEXT NOT NULL, definition TEXT NOT NULL, contracts TEXT NOT NULL,
    readme TEXT NULL, report TEXT NULL, deprecation TEXT NULL, published_by TEXT NULL, created_at BIGINT NOT NULL,
    UNIQUE (connector_id, version))`,
  `CREATE TABLE contracts (
    id TEXT PRIMARY KEY, connector_id TEXT NOT NULL, consumer TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL,
    created_by TEXT NULL, created_at BIGINT NOT NULL, UNIQUE (connector_id, consumer, name))`,
  `CREATE TABLE installations (
    id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id), connector_id TEXT NOT NULL,
    version_range TEXT NOT NULL, version TEXT NOT NULL, name TEXT NULL, config TEXT NOT NULL, credentials TEXT NULL,
    credentials_version INTEGER NOT NULL, quotas TEXT NULL, status TEXT NOT NULL,
    created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)`,
  `CREATE TABLE events (
    id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, installation_id TEXT NOT NULL, action TEXT NOT NULL,
    idempotency_key TEXT NOT NULL, body_hash TEXT NOT NULL, data TEXT NULL, schema_version TEXT NULL,
    state TEXT NOT NULL, enqueued INTEGER NOT NULL, lease_owner TEXT NULL, lease_expires_at BIGINT NULL,
    next_attempt_at BIGINT NOT NULL, attempts INTEGER NOT NULL, correlation_id TEXT NOT NULL, source TEXT NULL,
    last_run_id TEXT NULL, last_batch_id TEXT NULL, output TEXT NULL, error TEXT NULL, response TEXT NULL,
    created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, UNIQUE (installation_id, idempotency_key))`,
  `CREATE INDEX events_due ON events (state, next_attempt_at)`,
  `CREATE INDEX events_work ON events (installation_id, action, state)`,
  `CREATE INDEX events_unenqueued ON events (enqueued, state)`,
  `CREATE TABLE runs (
    id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, installation_id TEXT NOT NULL, connector_id TEXT NOT NULL,
    connector_version TEXT NOT NULL, action TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
    event_id TEXT NULL, batch_id TEXT NULL, replay_of TEXT NULL, input TEXT NULL, output TEXT NULL, error TEXT NULL,
    trace TEXT NULL, calls TEXT NULL, attempt INTEGER NOT NULL, correlation_id TEXT NOT NULL, duration_ms INTEGER NULL,
    created_at BIGINT NOT NULL, finished_at BIGINT NULL)`,
  `CREATE INDEX runs_tenant ON runs (tenant_id, created_at)`,
  `CREATE INDEX runs_event ON runs (event_id)`,
  `CREATE TABLE batches (
    id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, installation_id TEXT NOT NULL, connector_version TEXT NOT NULL,
    action TEXT NOT NULL, event_ids TEXT NOT NULL, checksum TEXT NOT NULL, size INTEGER NOT NULL, status TEXT NOT NULL,
    outcomes TEXT NULL, run_id TEXT NULL, correlation_id TEXT NOT NULL, created_at BIGINT NOT NULL, finished_at BIGINT NULL)`,
  `CREATE TABLE attempts (
    id TEXT PRIMARY KEY, event_id TEXT NULL, run_id TEXT NOT NULL, batch_id TEXT NULL, attempt INTEGER NOT NULL,
    worker TEXT NOT NULL, status TEXT NOT NULL, error TEXT NULL, partner_status INTEGER NULL,
    started_at BIGINT NOT NULL, finished_at BIGINT NOT NULL)`,
  `CREATE INDEX attempts_event ON attempts (event_id)`,
  `CREATE INDEX attempts_batch ON attempts (batch_id)`,
  `CREATE TABLE audit_log (
    id TEXT PRIMARY KEY, tenant_id TEXT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, target_type TEXT NOT NULL,
    target_id TEXT NOT NULL, details TEXT NULL, correlation_id TEXT NULL, created_at BIGINT NOT NULL)`,
  `CREATE INDEX audit_tenant ON audit_log (tenant_id, created_at)`,
];

export class InitialSchema1764806400000 implements MigrationInterface {
  name = 'InitialSchema1764806400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of TABLES) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'audit_log',
      'attempts',
      'batches',
      'runs',
      'events',
      'installations',
      'contracts',
      'connector_versions',
      'connectors',
      'api_keys',
      'tenants',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
