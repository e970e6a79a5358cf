import { randomUUID } from 'node:crypto';
import type {
  AskChart,
  AskDetails,
  AskListQuery,
  AskRecord,
  AskSource,
  AskStatus,
  FeedbackRating,
  Intent,
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
import { AskEntity, type AskRow, SqlPairEntity, type SqlPairRow } from '../entities/index.js';
import { normalizeQuestion, questionKey } from '../normalize.js';
import type { AskPatch, AskRepository } from '../port.js';
import { deleteOrNotFound, findOrNotFound, iso, notFound } from './common.js';
import { listPage } from './listPage.js';

/** Longest error text kept; a driver's message can quote a whole statement. */
const MAX_ERROR_CHARS = 4000;
/** Longest answer kept: a direct answer and two facts are a few hundred characters. */
const MAX_ANSWER_CHARS = 4000;
const MAX_FOLLOW_UPS = 5;
const MAX_FOLLOW_UP_CHARS = 300;
/**
 * A chart is kept with its spec (and so its rows) up to this many UTF-8 bytes of JSON, which
 * fits MySQL's TEXT (65,535 bytes): a monthly series or fifty bars, not a 1,000-point scatter.
 * A larger one is kept as its kind only.
 */
export const MAX_CHART_BYTES = 60_000;

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

/** The chart as stored: with its spec while that stays within MAX_CHART_BYTES. */
function chartColumn(chart: AskChart | null): string | null {
  if (!chart) return null;
  const whole = JSON.stringify({ kind: chart.kind, chosen_by: chart.chosen_by, spec: chart.spec });
  if (Buffer.byteLength(whole, 'utf8') <= MAX_CHART_BYTES) return whole;
  return JSON.stringify({ kind: chart.kind, chosen_by: chart.chosen_by, spec: null });
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
  if (patch.answer !== undefined)
    columns.answer = patch.answer === null ? null : boundText(patch.answer, MAX_ANSWER_CHARS);
  if (patch.chart !== undefined) columns.chart = chartColumn(patch.chart);
  if (patch.follow_ups !== undefined) {
    columns.follow_ups =
      patch.follow_ups === null
        ? null
        : JSON.stringify(
            patch.follow_ups
              .slice(0, MAX_FOLLOW_UPS)
              .map((question) => boundText(question, MAX_FOLLOW_UP_CHARS)),
          );
  }
  return columns;
}

/** At most `max` characters, the cut marked with an ellipsis (never splitting a surrogate pair). */
function boundText(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Ask history, written by every entry point and read by the console and the pipeline. */
export function createAskRepository(dataSource: DataSource): AskRepository {
  const rows: Repository<AskRow> = dataSource.getRepository(AskEntity);
  const pairs: Repository<SqlPairRow> = dataSource.getRepository(SqlPairEntity);

  const require = (id: string) => findOrNotFound(rows, { id }, 'ask', id);
  // A list page reads every column but the chart: its spec carries the ask's rows.
  const listColumns = Object.fromEntries(
    rows.metadata.columns
      .map((column) => column.propertyName)
      .filter((name) => name !== 'chart')
      .map((name) => [name, true]),
  ) as FindOptionsSelect<AskRow>;

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
        answer: null,
        chart: null,
        follow_ups: null,
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
          select: listColumns,
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
