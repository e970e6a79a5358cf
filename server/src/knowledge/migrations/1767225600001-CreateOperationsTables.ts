import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';
import { column, createTable, uniqueIndex } from './tableKit.js';

/** Data sources, ask history and settings. */
export class CreateOperationsTables1767225600001 implements MigrationInterface {
  name = 'CreateOperationsTables1767225600001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createTable(
      queryRunner,
      'data_sources',
      [
        column.id(),
        column.varchar('name', 128),
        column.text('url'),
        column.text('description', true),
        column.timestamp('created_at'),
        column.timestamp('updated_at'),
      ],
      [uniqueIndex('uq_data_sources_name', ['name'])],
    );
    await createTable(
      queryRunner,
      'asks',
      [
        { name: 'id', type: 'varchar', length: '36', isPrimary: true },
        column.text('question'),
        column.text('normalized_question'),
        column.varchar('question_key', 64),
        column.text('rephrased_question', true),
        column.varchar('intent', 32, true),
        column.varchar('thread_id', 255, true),
        column.varchar('asked_by', 255, true),
        column.varchar('source', 16),
        column.varchar('datasource', 128),
        column.text('sql', true),
        column.varchar('status', 16),
        column.integer('row_count', true),
        column.text('timings'),
        column.varchar('error_code', 64, true),
        column.text('error', true),
        column.varchar('rating', 8, true),
        column.text('feedback_comment', true),
        column.timestamp('created_at'),
        column.timestamp('updated_at'),
      ],
      [
        new TableIndex({ name: 'ix_asks_question', columnNames: ['question_key', 'datasource'] }),
        new TableIndex({ name: 'ix_asks_thread', columnNames: ['thread_id', 'created_at'] }),
        new TableIndex({ name: 'ix_asks_created', columnNames: ['created_at'] }),
      ],
    );
    await createTable(queryRunner, 'settings', [
      { name: 'key', type: 'varchar', length: '128', isPrimary: true },
      column.text('value'),
      column.timestamp('updated_at'),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['settings', 'asks', 'data_sources']) {
      await queryRunner.dropTable(table);
    }
  }
}
