import {
  type DictionaryEntryInput,
  type DictionaryKind,
  describeReason,
  dictionaryEntryInputSchema,
  type ImportPreviewRow,
  importOptionsSchema,
  instructionInputSchema,
  type Reason,
  type SqlPair,
  type SqlPairInput,
  type SqlRewrite,
  sqlBodySchema,
  sqlPairInputSchema,
  transferFormatSchema,
} from '@quarry/shared';
import { type Request, type Response, Router } from 'express';
import type { z } from 'zod';
import { objectBody, parseWith } from '../../http/body.js';
import { notAvailable } from '../../http/errors.js';
import type { KnowledgeStore, RowCheck, Transferable } from '../../knowledge/port.js';
import { readImport, sendExport } from '../transfer.js';
import { mountCrudRoutes } from './crud.js';

interface TransferOptions<T, I> {
  repository: Transferable<T, I>;
  schema: z.ZodType<I>;
  fileName: string;
  required: string[];
  optional: string[];
  check?: ((input: I) => Promise<RowCheck>) | undefined;
}

/** How the knowledge routes check what admins save; absent checks let everything through. */
export interface KnowledgeChecks {
  /** Null when the SQL passes the guard (with hidden tables and columns) and dry-runs. */
  sql?: (datasource: string, sql: string) => Promise<Reason | null>;
  /** Warnings for a dictionary entry's full name (does it occur in the columns it names?). */
  fullName?: (entry: DictionaryEntryInput) => Promise<Reason[]>;
}

/**
 * `POST /import` (`?mode=create_only|overwrite&dry_run=true`) and `GET /export`; registered
 * before `/:id` so the words aren't taken as ids. The report lists every row as new, changed
 * (with the stored values it replaces), unchanged or rejected (with the reasons).
 */
function mountTransferRoutes<T extends object, I>(router: Router, options: TransferOptions<T, I>) {
  router.post('/import', async (request: Request, response: Response) => {
    const { mode, dry_run: dryRun } = parseWith(importOptionsSchema, request.query, 'query');
    const parsed = readImport(request, options.schema, options);
    const report = await options.repository.importMany(parsed.rows, {
      mode,
      dryRun,
      ...(options.check ? { check: options.check } : {}),
    });
    const unreadable = new Map<number, ImportPreviewRow>();
    for (const error of parsed.errors) {
      const preview = unreadable.get(error.row) ?? {
        row: error.row,
        status: 'rejected' as const,
        key: '',
        written: false,
        errors: [],
      };
      preview.errors?.push(error);
      unreadable.set(error.row, preview);
    }
    report.rows = [...report.rows, ...unreadable.values()].sort((a, b) => a.row - b.row);
    report.errors = [...parsed.errors, ...report.errors].sort((a, b) => a.row - b.row);
    response.json(report);
  });
  router.get('/export', async (request: Request, response: Response) => {
    const format = parseWith(
      transferFormatSchema.default('csv'),
      request.query.format,
      'format parameter',
    );
    const items = (await options.repository.exportAll()) as Array<Record<string, unknown>>;
    sendExport(
      response,
      format,
      options.fileName,
      [...options.required, ...options.optional],
      items,
    );
  });
}

/** A refusal reason as a row check's error on `field`, worded in English for the message. */
function refusedBy(field: string, reason: Reason): RowCheck {
  return { error: { field, message: describeReason(reason, 'en'), reason } };
}

/** Re-checks at most this many pairs at once when a page is listed. */
const RECHECK_CONCURRENCY = 4;

/**
 * `/api/sql-pairs`: few-shot samples, with CSV/JSON import and export. With a SQL check,
 * nothing is saved that would not run for an employee, and every listed page is re-checked,
 * so a pair the schema broke since is shown `broken` (and leaves historical matches and samples).
 */
export function sqlPairRoutes(store: KnowledgeStore, checks: KnowledgeChecks = {}): Router {
  const router = Router();
  const checkSql = checks.sql;
  const check = checkSql
    ? async (input: SqlPairInput): Promise<RowCheck> => {
        const reason = await checkSql(input.datasource, input.sql);
        return reason === null ? {} : refusedBy('sql', reason);
      }
    : undefined;
  const recheck = async (pair: SqlPair): Promise<SqlPair> => {
    if (!checkSql) return pair;
    const broken = await checkSql(pair.datasource, pair.sql);
    if (JSON.stringify(broken) !== JSON.stringify(pair.broken)) {
      await store.sqlPairs.setBroken(pair.id, broken);
    }
    return { ...pair, broken };
  };
  mountTransferRoutes(router, {
    repository: store.sqlPairs,
    schema: sqlPairInputSchema,
    fileName: 'sql-pairs',
    required: ['question', 'sql'],
    optional: ['datasource'],
    check,
  });
  mountCrudRoutes(router, {
    what: 'SQL pair',
    repository: store.sqlPairs,
    schema: sqlPairInputSchema,
    editable: ({ question, sql, datasource }) => ({ question, sql, datasource }),
    ...(check ? { check } : {}),
    refreshPage: async (page) => {
      const items: SqlPair[] = [];
      for (let i = 0; i < page.items.length; i += RECHECK_CONCURRENCY) {
        items.push(
          ...(await Promise.all(page.items.slice(i, i + RECHECK_CONCURRENCY).map(recheck))),
        );
      }
      return { ...page, items };
    },
  });
  return router;
}

/** `/api/instructions`: global rules and rules matched to questions. */
export function instructionRoutes(store: KnowledgeStore): Router {
  const router = Router();
  mountCrudRoutes(router, {
    what: 'instruction',
    repository: store.instructions,
    schema: instructionInputSchema,
    editable: ({ text, scope, questions }) => ({ text, scope, questions }),
  });
  return router;
}

/** `/api/dictionaries/{department,project}` and `POST /api/dictionaries/preview`. */
export function dictionaryRoutes(
  store: KnowledgeStore,
  expandSql:
    | ((sql: string, datasource: string) => Promise<{ sql: string; rewrites: SqlRewrite[] }>)
    | undefined,
  checks: KnowledgeChecks = {},
): Router {
  const checkFullName = checks.fullName;
  const check = checkFullName
    ? async (input: DictionaryEntryInput): Promise<RowCheck> => ({
        warnings: await checkFullName(input),
      })
    : undefined;
  const router = Router();
  router.post('/preview', async (request, response) => {
    if (!expandSql) throw notAvailable('Previewing the dictionary rewrite');
    const body = parseWith(sqlBodySchema, objectBody(request.body));
    response.json(await expandSql(body.sql, body.datasource ?? 'default'));
  });
  for (const kind of ['department', 'project'] as const satisfies readonly DictionaryKind[]) {
    const kindRouter = Router();
    mountTransferRoutes(kindRouter, {
      repository: store.dictionaries[kind],
      schema: dictionaryEntryInputSchema,
      fileName: `${kind}-dictionary`,
      required: ['abbreviation', 'full_name'],
      optional: ['columns'],
      check,
    });
    mountCrudRoutes(kindRouter, {
      what: `${kind} dictionary entry`,
      repository: store.dictionaries[kind],
      schema: dictionaryEntryInputSchema,
      editable: ({ abbreviation, full_name, columns }) => ({ abbreviation, full_name, columns }),
      ...(check ? { check } : {}),
    });
    router.use(`/${kind}`, kindRouter);
  }
  return router;
}
