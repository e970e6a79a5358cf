import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { column, createTable, uniqueIndex } from './tableKit.js';

/**
 * The semantic layer per data source (relationships, calculated fields, metrics), and the
 * calculated fields and metrics each ask's SQL used.
 */
export class CreateSemanticLayer1767225612000 implements MigrationInterface {
  name = 'CreateSemanticLayer1767225612000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createTable(
      queryRunner,
      'relationships',
      [
        column.id(),
        column.varchar('datasource', 128),
        column.varchar('from_table', 128),
        column.text('from_columns'),
        column.varchar('to_table', 128),
        column.text('to_columns'),
        column.varchar('kind', 16),
        column.text('problem', true),
        column.timestamp('created_at'),
        column.timestamp('updated_at'),
      ],
      [{ name: 'ix_relationships_datasource', columnNames: ['datasource'] }],
    );
    await createTable(
      queryRunner,
      'calculated_fields',
      [
        column.id(),
        column.varchar('datasource', 128),
        column.varchar('table_name', 128),
        column.varchar('name', 64),
        column.varchar('name_key', 64),
        column.text('expression'),
        column.text('description'),
        column.text('problem', true),
        column.timestamp('created_at'),
        column.timestamp('updated_at'),
      ],
      [uniqueIndex('uq_calculated_fields_name', ['datasource', 'table_name', 'name_key'])],
    );
    await createTable(
      queryRunner,
      'metrics',
      [
        column.id(),
        column.varchar('datasource', 128),
        column.varchar('name', 64),
        column.varchar('name_key', 64),
        column.text('description'),
        column.text('sql'),
        column.text('columns'),
        column.text('problem', true),
        column.timestamp('created_at'),
        column.timestamp('updated_at'),
      ],
      [uniqueIndex('uq_metrics_name', ['datasource', 'name_key'])],
    );
    await queryRunner.addColumn(
      'asks',
      new TableColumn({ name: 'semantics_used', type: 'text', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('asks', 'semantics_used');
    await queryRunner.dropTable('metrics');
    await queryRunner.dropTable('calculated_fields');
    await queryRunner.dropTable('relationships');
  }
}
