import type { MigrationInterface, QueryRunner } from 'typeorm';

// Ordered routes may name the source's own sequence (a timestamp or counter): deliveries of a key
// are released in that order, and one older than what was already delivered is dropped as stale.
export class RouteSequence1764903600000 implements MigrationInterface {
  name = 'RouteSequence1764903600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE routes ADD COLUMN ordering_sequence TEXT NULL`);
    await queryRunner.query(`ALTER TABLE route_deliveries ADD COLUMN sequence TEXT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE route_deliveries DROP COLUMN sequence`);
    await queryRunner.query(`ALTER TABLE routes DROP COLUMN ordering_sequence`);
  }
}
