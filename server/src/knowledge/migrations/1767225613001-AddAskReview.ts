import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * What an ask was shown and tried (`details`, JSON), how many corrections it needed, and an
 * admin's verdict (`review_status`: verified or rejected). Older asks keep nulls: their
 * details were never recorded.
 */
export class AddAskReview1767225613001 implements MigrationInterface {
  name = 'AddAskReview1767225613001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('asks', [
      new TableColumn({ name: 'details', type: 'text', isNullable: true }),
      new TableColumn({ name: 'review_status', type: 'varchar', length: '16', isNullable: true }),
      new TableColumn({ name: 'correction_count', type: 'integer', isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('asks', ['details', 'review_status', 'correction_count']);
  }
}
