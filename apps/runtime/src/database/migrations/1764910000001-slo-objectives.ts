import type { MigrationInterface, QueryRunner } from 'typeorm';

// Per-installation SLO objectives; an installation without a row uses the defaults
// (99% delivered within 60 s, 99.5% success). Portable DDL like the initial schema.
export class SloObjectives1764910000001 implements MigrationInterface {
  name = 'SloObjectives1764910000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE slo_objectives (
        installation_id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, objectives TEXT NOT NULL,
        updated_by TEXT NULL, updated_at BIGINT NOT NULL)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE slo_objectives`);
  }
}
