import type { MigrationInterface, QueryRunner } from 'typeorm';

// One named lease per singleton job (the alert evaluator): with several API processes in cluster
// mode only the holder evaluates, so an alert episode is recorded and notified once.
export class ObservabilityLeases1764910000002 implements MigrationInterface {
  name = 'ObservabilityLeases1764910000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE observability_leases (name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at BIGINT NOT NULL)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE observability_leases`);
  }
}
