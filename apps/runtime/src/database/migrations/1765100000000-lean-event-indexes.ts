import type { MigrationInterface, QueryRunner } from 'typeorm';

// Every accepted event is written to each index of the events table, on the intake hot path. Four
// indexes served queries that only ever read a small slice of the rows, so they become partial
// indexes over that slice (new API events are in none of them), and one no query reads any more:
// - events_due (state, next_attempt_at): read only for succeeded webhook records (the fan-out
//   catch-up), now events_webhook_records over exactly those;
// - events_unenqueued (enqueued, state): read only for items not yet enqueued (cluster sweeper);
// - events_settled (state, updated_at): read only for finished items (SLOs and alerts);
// - events_open_due (next_attempt_at): the due look-ups go group by group through events_open.
export class LeanEventIndexes1765100000000 implements MigrationInterface {
  name = 'LeanEventIndexes1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const name of ['events_due', 'events_unenqueued', 'events_settled', 'events_open_due'])
      await queryRunner.query(`DROP INDEX ${name}`);
    await queryRunner.query(
      `CREATE INDEX events_webhook_records ON events (next_attempt_at) WHERE state = 'succeeded' AND source LIKE 'webhook:%'`,
    );
    await queryRunner.query(
      `CREATE INDEX events_unenqueued ON events (installation_id, action, created_at) WHERE enqueued = 0`,
    );
    await queryRunner.query(
      `CREATE INDEX events_settled ON events (updated_at) WHERE state IN ('succeeded', 'failed', 'dead')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const name of ['events_webhook_records', 'events_unenqueued', 'events_settled'])
      await queryRunner.query(`DROP INDEX ${name}`);
    await queryRunner.query(`CREATE INDEX events_due ON events (state, next_attempt_at)`);
    await queryRunner.query(`CREATE INDEX events_unenqueued ON events (enqueued, state)`);
    await queryRunner.query(`CREATE INDEX events_settled ON events (state, updated_at)`);
    await queryRunner.query(
      `CREATE INDEX events_open_due ON events (next_attempt_at) WHERE state IN ('accepted', 'queued', 'running')`,
    );
  }
}
