import type { MigrationInterface, QueryRunner } from 'typeorm';

// Routes, trigger records, poll state and ordered deliveries. Portable DDL like the initial schema:
// one script for SQLite and PostgreSQL.
const TABLES = [
  `CREATE TABLE routes (
    id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, name TEXT NOT NULL,
    source_installation_id TEXT NOT NULL, source_trigger TEXT NOT NULL, source_kind TEXT NOT NULL,
    target_installation_id TEXT NOT NULL, target_action TEXT NOT NULL,
    filter TEXT NULL, mapping TEXT NOT NULL, ordering_key TEXT NULL, sample TEXT NULL,
    enabled INTEGER NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)`,
  `CREATE INDEX routes_source ON routes (source_installation_id, source_trigger, enabled)`,
  `CREATE INDEX routes_tenant ON routes (tenant_id, created_at)`,
  `CREATE TABLE trigger_records (
    id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, installation_id TEXT NOT NULL, trigger_name TEXT NOT NULL,
    record_key TEXT NOT NULL, source_event_id TEXT NULL, data TEXT NULL, correlation_id TEXT NOT NULL,
    state TEXT NOT NULL, error TEXT NULL, created_at BIGINT NOT NULL, routed_at BIGINT NULL,
    UNIQUE (installation_id, trigger_name, record_key))`,
  `CREATE INDEX trigger_records_pending ON trigger_records (state, created_at)`,
  `CREATE INDEX trigger_records_source ON trigger_records (source_event_id)`,
  `CREATE TABLE trigger_states (
    installation_id TEXT NOT NULL, trigger_name TEXT NOT NULL, tenant_id TEXT NOT NULL, cursor TEXT NULL,
    lease_owner TEXT NULL, lease_expires_at BIGINT NULL, next_poll_at BIGINT NOT NULL, failures INTEGER NOT NULL,
    last_error TEXT NULL, last_polled_at BIGINT NULL, last_success_at BIGINT NULL, records_total INTEGER NOT NULL,
    PRIMARY KEY (installation_id, trigger_name))`,
  `CREATE TABLE route_deliveries (
    id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, route_id TEXT NOT NULL, order_key TEXT NOT NULL,
    target_installation_id TEXT NOT NULL, target_action TEXT NOT NULL, idempotency_key TEXT NOT NULL,
    data TEXT NULL, correlation_id TEXT NOT NULL, state TEXT NOT NULL, event_id TEXT NULL, error TEXT NULL,
    created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, UNIQUE (route_id, idempotency_key))`,
  `CREATE INDEX route_deliveries_key ON route_deliveries (route_id, order_key, state)`,
  `CREATE INDEX route_deliveries_state ON route_deliveries (state, updated_at)`,
];

export class RoutesAndTriggers1764900000000 implements MigrationInterface {
  name = 'RoutesAndTriggers1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of TABLES) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['route_deliveries', 'trigger_states', 'trigger_records', 'routes']) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
