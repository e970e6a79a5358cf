import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * The first rows of an ask's result (`result_sample`, JSON bounded to 20 rows and 16,000
 * bytes), so reviewing an ask shows what it answered. Older asks keep null.
 */
export class AddAskResultSample1767225614000 implements MigrationInterface {
  name = 'AddAskResultSample1767225614000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'asks',
      new TableColumn({ name: 'result_sample', type: 'text', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('asks', 'result_sample');
  }
}
