import type { MigrationInterface, QueryRunner } from 'typeorm';

// events_work (installation_id, action, state) was the dispatcher's first look-up index. Every
// query that filters by installation, action and open state is served by events_open, the partial
// index over the open items: SQLite's plans never chose events_work, and PostgreSQL's claim, which
// chose it while it existed, reads events_open without it (0.18 ms against 0.21 ms, EXPLAIN ANALYZE
// on 200k rows). It only cost each accepted event one more index write, and each state change a
// delete and an insert.
export class DropEventsWorkIndex1765200000000 implements MigrationInterface {
  name = 'DropEventsWorkIndex1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX events_work`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX events_work ON events (installation_id, action, state)`);
  }
}
