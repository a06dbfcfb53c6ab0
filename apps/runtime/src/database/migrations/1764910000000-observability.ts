import type { MigrationInterface, QueryRunner } from 'typeorm';

// Portable like the initial schema: one script for SQLite and PostgreSQL.
const STATEMENTS = [
  // Live outputs that failed the action's output schema: the mismatch metric's durable twin, read by
  // the alert scheduler (which may run in another process than the worker that saw the output).
  `CREATE TABLE output_mismatches (
    id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, installation_id TEXT NOT NULL, connector_id TEXT NOT NULL,
    connector_version TEXT NOT NULL, action TEXT NOT NULL, run_id TEXT NOT NULL, correlation_id TEXT NOT NULL,
    item_index INTEGER NULL, issues TEXT NOT NULL, created_at BIGINT NOT NULL)`,
  `CREATE INDEX output_mismatches_recent ON output_mismatches (created_at, installation_id, action)`,
  `CREATE INDEX output_mismatches_run ON output_mismatches (run_id)`,
  // One row per alert episode: firing since X, resolved at Y; a new episode is a new row.
  `CREATE TABLE alerts (
    id TEXT PRIMARY KEY, rule TEXT NOT NULL, alert_key TEXT NOT NULL, tenant_id TEXT NULL, installation_id TEXT NULL,
    severity TEXT NOT NULL, state TEXT NOT NULL, summary TEXT NOT NULL, details TEXT NULL, since BIGINT NOT NULL,
    resolved_at BIGINT NULL, updated_at BIGINT NOT NULL)`,
  `CREATE INDEX alerts_state ON alerts (state, rule, alert_key)`,
  `CREATE INDEX alerts_tenant ON alerts (tenant_id, since)`,
  `ALTER TABLE attempts ADD COLUMN correlation_id TEXT NULL`,
  `CREATE INDEX events_correlation ON events (correlation_id)`,
  `CREATE INDEX events_settled ON events (state, updated_at)`,
  `CREATE INDEX runs_correlation ON runs (correlation_id)`,
  `CREATE INDEX runs_batch ON runs (batch_id)`,
  `CREATE INDEX runs_recent ON runs (installation_id, action, finished_at)`,
  `CREATE INDEX batches_finished ON batches (finished_at)`,
  `CREATE INDEX attempts_started ON attempts (started_at)`,
];

export class Observability1764910000000 implements MigrationInterface {
  name = 'Observability1764910000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of STATEMENTS) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of [
      'attempts_started',
      'batches_finished',
      'runs_recent',
      'runs_batch',
      'runs_correlation',
      'events_settled',
      'events_correlation',
    ]) {
      await queryRunner.query(`DROP INDEX ${index}`);
    }
    await queryRunner.query(`ALTER TABLE attempts DROP COLUMN correlation_id`);
    await queryRunner.query(`DROP TABLE alerts`);
    await queryRunner.query(`DROP TABLE output_mismatches`);
  }
}
