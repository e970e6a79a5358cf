import type { MigrationInterface, QueryRunner } from 'typeorm';
import { column, createTable, uniqueIndex } from './tableKit.js';

/** SQL pairs, instructions, dictionaries, schema descriptions and the knowledge revision. */
export class CreateKnowledgeTables1767225600000 implements MigrationInterface {
  name = 'CreateKnowledgeTables1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createTable(
      queryRunner,
      'sql_pairs',
      [
        column.id(),
        column.text('question'),
        column.text('normalized_question'),
        column.varchar('question_key', 64),
        column.text('sql'),
        column.varchar('datasource', 128),
        column.timestamp('created_at'),
        column.timestamp('updated_at'),
      ],
      [uniqueIndex('uq_sql_pairs_datasource_question', ['datasource', 'question_key'])],
    );
    await createTable(queryRunner, 'instructions', [
      column.id(),
      column.text('text'),
      column.varchar('scope', 16),
      column.text('questions'),
      column.timestamp('created_at'),
      column.timestamp('updated_at'),
    ]);
    await createTable(
      queryRunner,
      'dictionary_entries',
      [
        column.id(),
        column.varchar('kind', 16),
        column.varchar('abbreviation', 128),
        column.varchar('abbreviation_key', 128),
        column.varchar('full_name', 512),
        column.timestamp('created_at'),
        column.timestamp('updated_at'),
      ],
      [uniqueIndex('uq_dictionary_entries_kind_abbreviation', ['kind', 'abbreviation_key'])],
    );
    await createTable(
      queryRunner,
      'schema_descriptions',
      [
        column.id(),
        column.varchar('datasource', 128),
        column.varchar('table_name', 128),
        column.varchar('column_name', 128),
        column.text('description'),
        column.timestamp('created_at'),
        column.timestamp('updated_at'),
      ],
      [uniqueIndex('uq_schema_descriptions_target', ['datasource', 'table_name', 'column_name'])],
    );
    await createTable(queryRunner, 'knowledge_revision', [
      { name: 'id', type: 'integer', isPrimary: true },
      column.integer('revision'),
    ]);
    await queryRunner.query('INSERT INTO knowledge_revision (id, revision) VALUES (1, 0)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'knowledge_revision',
      'schema_descriptions',
      'dictionary_entries',
      'instructions',
      'sql_pairs',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
