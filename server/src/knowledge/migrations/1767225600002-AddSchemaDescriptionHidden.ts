import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * Access rules: a schema description row may hide its table or column from the assistant.
 * Existing rows only describe, so they start visible.
 */
export class AddSchemaDescriptionHidden1767225600002 implements MigrationInterface {
  name = 'AddSchemaDescriptionHidden1767225600002';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The default is written 0, not false: SQLite keeps the default's text, and TypeORM
    // compares it with the entity's `false`, which it spells 0 on both dialects.
    await queryRunner.addColumn(
      'schema_descriptions',
      new TableColumn({ name: 'hidden', type: 'boolean', default: 0 }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('schema_descriptions', 'hidden');
  }
}
