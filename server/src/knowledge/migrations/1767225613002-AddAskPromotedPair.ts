import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * The SQL pair an ask was promoted to, so the console shows the promotion after a reload and
 * un-verifying the ask removes that pair from historical matches.
 */
export class AddAskPromotedPair1767225613002 implements MigrationInterface {
  name = 'AddAskPromotedPair1767225613002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'asks',
      new TableColumn({ name: 'promoted_pair_id', type: 'integer', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('asks', 'promoted_pair_id');
  }
}
