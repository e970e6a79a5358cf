import { randomUUID } from 'node:crypto';
import type {
  AskDetails,
  AskListQuery,
  AskRecord,
  AskSource,
  AskStatus,
  FeedbackRating,
  Intent,
  ReviewStatus,
  SemanticsUsed,
} from '@quarry/shared';
import { type DataSource, type FindOptionsWhere, IsNull, Not, type Repository } from 'typeorm';
import { AskEntity, type AskRow, SqlPairEntity, type SqlPairRow } from '../entities/index.js';
import { normalizeQuestion, questionKey } from '../normalize.js';
import type { AskPatch, AskRepository } from '../port.js';
import { deleteOrNotFound, findOrNotFound, iso, notFound } from './common.js';
import { listPage } from './listPage.js';

/** Longest error text kept; a driver's message can quote a whole statement. */
const MAX_ERROR_CHARS = 4000;

function parseTimings(json: string): Record<string, number> {
  try {
    const parsed: unknown = JSON.parse(json);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter(
        (entry): entry is [string, number] => typeof entry[1] === 'number',
      ),
    );
  } catch {
    return {};
  }
}

function parseSemanticsUsed(json: string | null): SemanticsUsed | null {
  if (!json) return null;
  try {
    const parsed = JSON.parse(json) as Partial<SemanticsUsed>;
    const names = (value: unknown) =>
      Array.isArray(value) ? value.filter((name): name is string => typeof name === 'string') : [];
    return { calculated_fields: names(parsed.calculated_fields), metrics: names(parsed.metrics) };
  } catch {
    return null;
  }
}

function toRecord(row: AskRow): AskRecord {
  return {
    id: row.id,
    question: row.question,
    normalized_question: row.normalized_question,
    rephrased_question: row.rephrased_question,
    intent: row.intent as Intent | null,
    thread_id: row.thread_id,
    asked_by: row.asked_by,
    asked_by_name: row.asked_by_name,
    source: row.source as AskSource,
    datasource: row.datasource,
    sql: row.sql,
    status: row.status as AskStatus,
    row_count: row.row_count,
    timings: parseTimings(row.timings),
    error_code: row.error_code,
    error: row.error,
    semantics_used: parseSemanticsUsed(row.semantics_used),
    rating: row.rating as FeedbackRating | null,
    feedback_comment: row.feedback_comment,
    ...reviewFields(row),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

function parseDetails(json: string | null): AskDetails | null {
  if (!json) return null;
  try {
    const parsed = JSON.parse(json) as AskDetails;
    return parsed && Array.isArray(parsed.attempts) ? parsed : null;
  } catch {
    return null;
  }
}

function reviewFields(row: AskRow) {
  const details = parseDetails(row.details);
  return {
    rewrites: details?.rewrites ?? [],
    correction_count: row.correction_count ?? 0,
    review_status: (row.review_status as ReviewStatus | null) ?? null,
    promoted_pair_id: row.promoted_pair_id ?? null,
    details,
  };
}

function columnsOfPatch(patch: AskPatch): Partial<AskRow> {
  const columns: Partial<AskRow> = {};
  if (patch.rephrased_question !== undefined) columns.rephrased_question = patch.rephrased_question;
  if (patch.intent !== undefined) columns.intent = patch.intent;
  if (patch.sql !== undefined) columns.sql = patch.sql;
  if (patch.status !== undefined) columns.status = patch.status;
  if (patch.row_count !== undefined) columns.row_count = patch.row_count;
  if (patch.timings !== undefined) columns.timings = JSON.stringify(patch.timings);
  if (patch.semantics_used !== undefined)
    columns.semantics_used = patch.semantics_used && JSON.stringify(patch.semantics_used);
  if (patch.error_code !== undefined) columns.error_code = patch.error_code;
  if (patch.error !== undefined) columns.error = patch.error?.slice(0, MAX_ERROR_CHARS) ?? null;
  if (patch.details !== undefined) {
    columns.details = patch.details === null ? null : JSON.stringify(patch.details);
    columns.correction_count =
      patch.details === null
        ? null
        : Math.max(0, ...patch.details.attempts.map((attempt) => attempt.attempt));
  }
  if (patch.review_status !== undefined) columns.review_status = patch.review_status;
  if (patch.promoted_pair_id !== undefined) columns.promoted_pair_id = patch.promoted_pair_id;
  return columns;
}

/** Ask history, written by every entry point and read by the console and the pipeline. */
export function createAskRepository(dataSource: DataSource): AskRepository {
  const rows: Repository<AskRow> = dataSource.getRepository(AskEntity);
  const pairs: Repository<SqlPairRow> = dataSource.getRepository(SqlPairEntity);

  const require = (id: string) => findOrNotFound(rows, { id }, 'ask', id);

  return {
    async create(record) {
      const id = record.id ?? randomUUID();
      const normalized = normalizeQuestion(record.question);
      const now = new Date();
      await rows.insert({
        id,
        question: record.question,
        normalized_question: normalized,
        question_key: questionKey(normalized),
        rephrased_question: null,
        intent: null,
        thread_id: record.thread_id ?? null,
        asked_by: record.asked_by ?? null,
        asked_by_name: record.asked_by_name ?? null,
        source: record.source,
        datasource: record.datasource,
        sql: null,
        status: record.status ?? 'understanding',
        row_count: null,
        timings: '{}',
        error_code: null,
        error: null,
        semantics_used: null,
        rating: null,
        feedback_comment: null,
        details: null,
        review_status: null,
        correction_count: null,
        promoted_pair_id: null,
        created_at: now,
        updated_at: now,
      });
      return id;
    },

    async update(id, patch) {
      const result = await rows.update(
        { id },
        { ...columnsOfPatch(patch), updated_at: new Date() },
      );
      if (!result.affected) throw notFound('ask', id);
    },

    async get(id) {
      const row = await rows.findOneBy({ id });
      return row ? toRecord(row) : undefined;
    },

    list(filters: Partial<AskListQuery> = {}) {
      const where: FindOptionsWhere<AskRow> = {};
      if (filters.status) where.status = filters.status;
      if (filters.source) where.source = filters.source;
      if (filters.datasource) where.datasource = filters.datasource;
      if (filters.rating) where.rating = filters.rating === 'none' ? IsNull() : filters.rating;
      if (filters.review)
        where.review_status = filters.review === 'unreviewed' ? IsNull() : filters.review;
      return listPage(
        rows,
        filters,
        {
          searchColumns: ['question', 'rephrased_question', 'sql', 'asked_by_name'],
          order: { created_at: 'DESC', id: 'ASC' },
          where,
        },
        toRecord,
      );
    },

    delete: (id) => deleteOrNotFound(rows, { id }, 'ask', id),

    async recordFeedback(id, feedback) {
      await require(id);
      await rows.update(
        { id },
        {
          rating: feedback.rating,
          feedback_comment: feedback.comment || null,
          updated_at: new Date(),
        },
      );
      return toRecord(await require(id));
    },

    async threadTurns(threadId, limit, excludeId) {
      const found = await rows.find({
        select: { question: true, rephrased_question: true, sql: true, created_at: true },
        where: excludeId ? { thread_id: threadId, id: Not(excludeId) } : { thread_id: threadId },
        order: { created_at: 'DESC' },
        take: Math.max(0, limit),
      });
      return found.reverse().map((row) => ({
        question: row.question,
        rephrased_question: row.rephrased_question,
        sql: row.sql,
      }));
    },

    // ix_asks_thread (thread_id, created_at) bounds this to the thread's own rows.
    countInThread: (threadId) => rows.countBy({ thread_id: threadId }),

    async findVerifiedSql(normalizedQuestion, datasource) {
      const key = questionKey(normalizeQuestion(normalizedQuestion));
      const pair = await pairs.findOne({
        select: { sql: true },
        where: { question_key: key, datasource, broken: IsNull() },
      });
      if (pair) return pair.sql;
      // An up-voted follow-up ("and last month?") was right in its thread only: it verifies
      // its text as a standalone question when it opened its thread or had none.
      const ask = await rows
        .createQueryBuilder('ask')
        .select('ask.sql', 'sql')
        .where('ask.question_key = :key AND ask.datasource = :datasource', { key, datasource })
        .andWhere("ask.status = 'finished' AND ask.rating = 'up' AND ask.sql IS NOT NULL")
        // An admin who rejected the answer overrules the asker's 👍.
        .andWhere("(ask.review_status IS NULL OR ask.review_status <> 'rejected')")
        .andWhere(
          `(ask.thread_id IS NULL OR NOT EXISTS (${rows
            .createQueryBuilder('earlier')
            .select('1')
            .where('earlier.thread_id = ask.thread_id AND earlier.created_at < ask.created_at')
            .getQuery()}))`,
        )
        .orderBy('ask.updated_at', 'DESC')
        .limit(1)
        .getRawOne<{ sql: string }>();
      return ask?.sql ?? undefined;
    },
  };
}
