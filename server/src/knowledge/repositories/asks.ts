import { randomUUID } from 'node:crypto';
import type {
  AskDetails,
  AskListQuery,
  AskRecord,
  AskSource,
  AskStatus,
  FeedbackRating,
  Intent,
  ResultSample,
  ReviewStatus,
  SemanticsUsed,
  StoredChart,
} from '@quarry/shared';
import {
  type DataSource,
  type FindOptionsSelect,
  type FindOptionsWhere,
  IsNull,
  Not,
  type Repository,
} from 'typeorm';
import { AskEntity, type AskRow } from '../entities/index.js';
import type { AskRepository } from '../port.js';
import { columnsOfPatch, createAskBatchWriter, newAskRow } from './askWrites.js';
import { findOrNotFound, iso, notFound, type Revision } from './common.js';
import { listPage } from './listPage.js';

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

const CHART_KINDS: ReadonlySet<string> = new Set([
  'line',
  'bar',
  'grouped_bar',
  'stacked_bar',
  'pie',
  'scatter',
]);

function parseChart(json: string | null): StoredChart | null {
  if (!json) return null;
  try {
    const parsed = JSON.parse(json) as Partial<StoredChart>;
    if (!parsed || typeof parsed.kind !== 'string' || !CHART_KINDS.has(parsed.kind)) return null;
    const spec = parsed.spec;
    return {
      kind: parsed.kind,
      chosen_by: parsed.chosen_by === 'model' ? 'model' : 'rules',
      spec: spec && typeof spec === 'object' && typeof spec.$schema === 'string' ? spec : null,
    };
  } catch {
    return null;
  }
}

function parseFollowUps(json: string | null): string[] | null {
  if (!json) return null;
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed)
      ? parsed.filter((question): question is string => typeof question === 'string')
      : null;
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
    answer: row.answer ?? null,
    // Lists do not read the chart column: it is left out rather than reported missing.
    ...(row.chart !== undefined ? { chart: parseChart(row.chart) } : {}),
    follow_ups: parseFollowUps(row.follow_ups ?? null),
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

function parseResultSample(json: string | null): ResultSample | null {
  if (!json) return null;
  try {
    const parsed = JSON.parse(json) as ResultSample;
    return parsed && Array.isArray(parsed.columns) && Array.isArray(parsed.rows) ? parsed : null;
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
    // Lists do not read the sample either.
    ...(row.result_sample !== undefined
      ? { result_sample: parseResultSample(row.result_sample) }
      : {}),
  };
}

/**
 * Ask history, written by every entry point and read by the console and the pipeline. What
 * can make an ask verified SQL or take that back (a rating, an admin's review, a deletion)
 * moves the knowledge revision, since the historical match answers from the snapshot.
 */
export function createAskRepository(dataSource: DataSource, revision: Revision): AskRepository {
  const rows: Repository<AskRow> = dataSource.getRepository(AskEntity);

  const require = (id: string) => findOrNotFound(rows, { id }, 'ask', id);
  // A list page reads every column but the chart and the result sample: they carry rows.
  const listColumns = Object.fromEntries(
    rows.metadata.columns
      .map((column) => column.propertyName)
      .filter((name) => name !== 'chart' && name !== 'result_sample')
      .map((name) => [name, true]),
  ) as FindOptionsSelect<AskRow>;

  return {
    async create(record) {
      const id = record.id ?? randomUUID();
      await rows.insert(newAskRow({ ...record, id }, new Date()));
      return id;
    },

    writeBatch: createAskBatchWriter(dataSource),

    async update(id, patch) {
      const result = await rows.update(
        { id },
        { ...columnsOfPatch(patch), updated_at: new Date() },
      );
      if (!result.affected) throw notFound('ask', id);
      // An admin's review decides whether an up-voted answer is verified SQL.
      if (patch.review_status !== undefined) await revision.bump();
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
          select: listColumns,
        },
        toRecord,
      );
    },

    async delete(id) {
      const stored = await require(id);
      await rows.delete({ id });
      if (stored.rating === 'up') await revision.bump();
    },

    async recordFeedback(id, feedback) {
      const stored = await require(id);
      await rows.update(
        { id },
        {
          rating: feedback.rating,
          feedback_comment: feedback.comment || null,
          updated_at: new Date(),
        },
      );
      // A 👍 given or taken back changes what the historical match answers; a comment does not.
      if (stored.rating === 'up' || feedback.rating === 'up') await revision.bump();
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

    async verifiedAnswers() {
      // An up-voted follow-up ("and last month?") was right in its thread only: it verifies
      // its text as a standalone question when it opened its thread or had none.
      return (
        rows
          .createQueryBuilder('ask')
          .select('ask.question_key', 'question_key')
          .addSelect('ask.datasource', 'datasource')
          .addSelect('ask.sql', 'sql')
          .where("ask.status = 'finished' AND ask.rating = 'up' AND ask.sql IS NOT NULL")
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
          .getRawMany<{ question_key: string; datasource: string; sql: string }>()
      );
    },
  };
}
