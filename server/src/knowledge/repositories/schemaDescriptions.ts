import type { SchemaDescription } from '@quarry/shared';
import type { DataSource, Repository } from 'typeorm';
import { SchemaDescriptionEntity, type SchemaDescriptionRow } from '../entities/index.js';
import type { SchemaDescriptionRepository } from '../port.js';
import { iso, isUniqueViolation, type Revision } from './common.js';

function toDescription(row: SchemaDescriptionRow): SchemaDescription {
  return {
    datasource: row.datasource,
    table: row.table_name,
    column: row.column_name === '' ? null : row.column_name,
    description: row.description,
    // MySQL hands back TINYINT 0/1, SQLite 0/1 as well: TypeORM maps both, but be explicit.
    hidden: Boolean(row.hidden),
    updated_at: iso(row.updated_at),
  };
}

/** Admin descriptions of tables and columns; a change moves the knowledge revision. */
export function createSchemaDescriptionRepository(
  dataSource: DataSource,
  revision: Revision,
): SchemaDescriptionRepository {
  const rows: Repository<SchemaDescriptionRow> = dataSource.getRepository(SchemaDescriptionEntity);

  return {
    async list(datasource) {
      const found = await rows.find({
        where: { datasource },
        order: { table_name: 'ASC', column_name: 'ASC' },
      });
      return found.map(toDescription);
    },

    async all() {
      const found = await rows.find({
        order: { datasource: 'ASC', table_name: 'ASC', column_name: 'ASC' },
      });
      return found.map(toDescription);
    },

    async set(datasource, table, column, description) {
      const now = new Date();
      const target = { datasource, table_name: table, column_name: column ?? '' };
      const updated = await rows.update(target, { description, updated_at: now });
      if (!updated.affected) {
        try {
          await rows.insert({ ...target, description, created_at: now, updated_at: now });
        } catch (error) {
          // Another writer created it between our update and insert: last write wins.
          if (!isUniqueViolation(error)) throw error;
          await rows.update(target, { description, updated_at: now });
        }
      }
      await revision.bump();
      const row = await rows.findOneByOrFail(target);
      return toDescription(row);
    },

    async change(datasource, table, column, change) {
      const now = new Date();
      const target = { datasource, table_name: table, column_name: column ?? '' };
      const fields = {
        ...(change.description === undefined ? {} : { description: change.description }),
        ...(change.hidden === undefined ? {} : { hidden: change.hidden }),
        updated_at: now,
      };
      const updated = await rows.update(target, fields);
      const startsEmpty = !change.description && !change.hidden;
      if (!updated.affected && !startsEmpty) {
        try {
          await rows.insert({
            ...target,
            description: change.description ?? '',
            hidden: change.hidden ?? false,
            created_at: now,
            updated_at: now,
          });
        } catch (error) {
          // Another writer created it between our update and insert: last write wins.
          if (!isUniqueViolation(error)) throw error;
          await rows.update(target, fields);
        }
      }
      // A row that neither describes nor hides anything says nothing; lists stay what admins set.
      await rows.delete({ ...target, description: '', hidden: false });
      await revision.bump();
      const row = await rows.findOneBy(target);
      return row ? toDescription(row) : undefined;
    },

    async delete(datasource, table, column) {
      const result = await rows.delete({
        datasource,
        table_name: table,
        column_name: column ?? '',
      });
      if (result.affected) await revision.bump();
    },
  };
}
