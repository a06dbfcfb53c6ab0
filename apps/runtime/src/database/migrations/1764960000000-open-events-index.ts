import type { MigrationInterface, QueryRunner } from 'typeorm';

// Finished events pile up forever while the owed ones stay few. A partial index over only the open
// states keeps claiming and sweeping proportional to the backlog, not to the table's history.
export class OpenEventsIndex1764960000000 implements MigrationInterface {
  name = 'OpenEventsIndex1764960000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX events_open ON events (installation_id, action, created_at) WHERE state IN ('accepted', 'queued', 'running')`,
    );
    await queryRunner.query(
      `CREATE INDEX events_open_due ON events (next_attempt_at) WHERE state IN ('accepted', 'queued', 'running')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX events_open_due`);
    await queryRunner.query(`DROP INDEX events_open`);
  }
}
