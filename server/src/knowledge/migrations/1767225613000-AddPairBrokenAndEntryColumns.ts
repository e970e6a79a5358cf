import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * A SQL pair remembers why its SQL failed its last check (`broken`, null when it passed), and a
 * dictionary entry may name the columns it applies to (`columns`, a JSON list; existing
 * entries get '[]', which keeps their behaviour: every string literal).
 */
export class AddPairBrokenAndEntryColumns1767225613000 implements MigrationInterface {
  name = 'AddPairBrokenAndEntryColumns1767225613000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'sql_pairs',
      new TableColumn({ name: 'broken', type: 'text', isNullable: true }),
    );
    // MySQL TEXT takes no default, so the column is added nullable, filled, then tightened.
    await queryRunner.addColumn(
      'dictionary_entries',
      new TableColumn({ name: 'columns', type: 'text', isNullable: true }),
    );
    await queryRunner.query("UPDATE dictionary_entries SET columns = '[]'");
    await queryRunner.changeColumn(
      'dictionary_entries',
      'columns',
      new TableColumn({ name: 'columns', type: 'text', isNullable: false }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('dictionary_entries', 'columns');
    await queryRunner.dropColumn('sql_pairs', 'broken');
  }
}
