import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * The asker's name as people read it (a Slack display name), beside the stable `asked_by` id.
 * Asks recorded before had no name to give, so theirs stays null.
 */
export class AddAskedByName1767225600003 implements MigrationInterface {
  name = 'AddAskedByName1767225600003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'asks',
      new TableColumn({ name: 'asked_by_name', type: 'varchar', length: '256', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('asks', 'asked_by_name');
  }
}
