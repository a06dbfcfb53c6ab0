import type { MigrationInterface, QueryRunner } from 'typeorm';

// Roll-out policies, roll-outs and the moves they made. Portable DDL like the initial schema: one
// script for SQLite and PostgreSQL.
const TABLES = [
  `CREATE TABLE rollout_policies (
    connector_id TEXT PRIMARY KEY, policy TEXT NOT NULL, initial_percent INTEGER NOT NULL,
    updated_by TEXT NULL, updated_at BIGINT NOT NULL)`,
  `CREATE TABLE rollouts (
    id TEXT PRIMARY KEY, connector_id TEXT NOT NULL, version TEXT NOT NULL, policy TEXT NOT NULL,
    percent INTEGER NOT NULL, state TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)`,
  `CREATE INDEX rollouts_connector ON rollouts (connector_id, state)`,
  `CREATE TABLE rollout_moves (
    id TEXT PRIMARY KEY, rollout_id TEXT NOT NULL, installation_id TEXT NOT NULL,
    from_version TEXT NOT NULL, to_version TEXT NOT NULL, created_at BIGINT NOT NULL, reverted_at BIGINT NULL)`,
  `CREATE INDEX rollout_moves_rollout ON rollout_moves (rollout_id, installation_id)`,
  `CREATE INDEX rollout_moves_installation ON rollout_moves (installation_id)`,
];

export class Versioning1764950400000 implements MigrationInterface {
  name = 'Versioning1764950400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of TABLES) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['rollout_moves', 'rollouts', 'rollout_policies']) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
