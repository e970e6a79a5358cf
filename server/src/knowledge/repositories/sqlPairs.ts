import type { Reason, SqlPair, SqlPairInput } from '@quarry/shared';
import type { DataSource, Repository } from 'typeorm';
import { SqlPairEntity, type SqlPairRow } from '../entities/index.js';
import { normalizeQuestion, questionKey } from '../normalize.js';
import type { SqlPairRepository } from '../port.js';
import { createTransfer } from './bulkImport.js';
import { iso, type Revision } from './common.js';
import { createKnowledgeCrud, type KnowledgeTable } from './knowledgeTable.js';

const DUPLICATE = 'A SQL pair with this question already exists for this data source.';

function toSqlPair(row: SqlPairRow): SqlPair {
  return {
    id: row.id,
    question: row.question,
    sql: row.sql,
    datasource: row.datasource,
    broken: row.broken ? (JSON.parse(row.broken) as Reason) : null,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

function columnsOf(input: SqlPairInput) {
  const normalized = normalizeQuestion(input.question);
  return {
    question: input.question,
    normalized_question: normalized,
    question_key: questionKey(normalized),
    sql: input.sql,
    datasource: input.datasource,
    // Saved SQL passed the API's check (or was written by a trusted path); re-checks mark it.
    broken: null,
  };
}

const table = {
  what: 'SQL pair',
  columnsOf,
  toItem: toSqlPair,
  unique: { field: 'question', message: () => DUPLICATE },
  list: { searchColumns: ['question', 'sql'], order: { id: 'DESC' } },
} satisfies KnowledgeTable<SqlPairRow, SqlPair, SqlPairInput>;

/** SQL pairs (few-shot samples), unique per data source and normalized question. */
export function createSqlPairRepository(
  dataSource: DataSource,
  revision: Revision,
): SqlPairRepository {
  const rows: Repository<SqlPairRow> = dataSource.getRepository(SqlPairEntity);

  return {
    ...createKnowledgeCrud(rows, revision, table),

    ...createTransfer(rows, revision, table, {
      columns: ['datasource', 'question_key', 'question', 'sql'],
      // NUL cannot occur in a data source name, so the pair of fields keys unambiguously.
      keyOf: (row) => `${row.datasource}\u0000${row.question_key}`,
      isSame: (stored, values) => stored.sql === values.sql && stored.question === values.question,
      before: (stored, values) => ({
        ...(stored.question === values.question ? {} : { question: stored.question }),
        ...(stored.sql === values.sql ? {} : { sql: stored.sql }),
      }),
      exportOrder: { id: 'ASC' },
    }),

    async setBroken(id, reason) {
      const broken = reason === null ? null : JSON.stringify(reason);
      const stored = await rows.findOne({ select: { id: true, broken: true }, where: { id } });
      if (!stored || stored.broken === broken) return;
      await rows.update({ id }, { broken });
      await revision.bump();
    },
  };
}
