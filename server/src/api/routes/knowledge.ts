import {
  type DictionaryKind,
  dictionaryEntryInputSchema,
  instructionInputSchema,
  sqlBodySchema,
  sqlPairInputSchema,
  transferFormatSchema,
} from '@quarry/shared';
import { type Request, type Response, Router } from 'express';
import type { z } from 'zod';
import type { KnowledgeStore, Transferable } from '../../knowledge/port.js';
import { notAvailable, parseWith } from '../http.js';
import { readImport, sendExport } from '../transfer.js';
import { mountCrudRoutes, objectBody } from './crud.js';

interface TransferOptions<T, I> {
  repository: Transferable<T, I>;
  schema: z.ZodType<I>;
  fileName: string;
  required: string[];
  optional: string[];
}

/** `POST /import` and `GET /export`; registered before `/:id` so the words aren't taken as ids. */
function mountTransferRoutes<T extends object, I>(router: Router, options: TransferOptions<T, I>) {
  router.post('/import', async (request: Request, response: Response) => {
    const parsed = readImport(request, options.schema, options);
    const report = await options.repository.importMany(parsed.rows);
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

/** `/api/sql-pairs`: few-shot samples, with CSV/JSON import and export. */
export function sqlPairRoutes(store: KnowledgeStore): Router {
  const router = Router();
  mountTransferRoutes(router, {
    repository: store.sqlPairs,
    schema: sqlPairInputSchema,
    fileName: 'sql-pairs',
    required: ['question', 'sql'],
    optional: ['datasource'],
  });
  mountCrudRoutes(router, {
    what: 'SQL pair',
    repository: store.sqlPairs,
    schema: sqlPairInputSchema,
    editable: ({ question, sql, datasource }) => ({ question, sql, datasource }),
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
  expandSql: ((sql: string, datasource: string) => Promise<string>) | undefined,
): Router {
  const router = Router();
  router.post('/preview', async (request, response) => {
    if (!expandSql) throw notAvailable('Previewing the dictionary rewrite');
    const body = parseWith(sqlBodySchema, objectBody(request.body));
    response.json({ sql: await expandSql(body.sql, body.datasource ?? 'default') });
  });
  for (const kind of ['department', 'project'] as const satisfies readonly DictionaryKind[]) {
    const kindRouter = Router();
    mountTransferRoutes(kindRouter, {
      repository: store.dictionaries[kind],
      schema: dictionaryEntryInputSchema,
      fileName: `${kind}-dictionary`,
      required: ['abbreviation', 'full_name'],
      optional: [],
    });
    mountCrudRoutes(kindRouter, {
      what: `${kind} dictionary entry`,
      repository: store.dictionaries[kind],
      schema: dictionaryEntryInputSchema,
      editable: ({ abbreviation, full_name }) => ({ abbreviation, full_name }),
    });
    router.use(`/${kind}`, kindRouter);
  }
  return router;
}
