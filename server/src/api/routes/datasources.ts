import {
  dataSourceInputSchema,
  dataSourceUpdateSchema,
  describeReason,
  listQuerySchema,
  parseDataSourceUrl,
  type SchemaDescription,
  schemaDescriptionInputSchema,
  sqlBodySchema,
  testConnectionSchema,
} from '@quarry/shared';
import { type Request, Router } from 'express';
import type { z } from 'zod';
import { connectionFailureReason } from '../../datasources/connectionErrors.js';
import { invalidDataSourceUrl, validateDataSourceUrl } from '../../datasources/url.js';
import { isQuarryError, QuarryError } from '../../errors.js';
import { badRequest, objectBody, parseWith } from '../../http/body.js';
import { notAvailable } from '../../http/errors.js';
import type { KnowledgeStore } from '../../knowledge/port.js';
import { mergeMaskedPassword } from '../../knowledge/repositories/datasources.js';
import type { AdminApiDeps } from '../deps.js';
import { semanticLayerRoutes } from './semantics.js';

/**
 * Parses a data-source body; when the URL is all that is wrong, the error is
 * INVALID_DATASOURCE_URL with the reason (still a 400 naming the `url` field).
 */
function parseDataSourceBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  try {
    return parseWith(schema, objectBody(body));
  } catch (error) {
    const fields = isQuarryError(error, 'BAD_REQUEST')
      ? (error.context.fields as Record<string, string> | undefined)
      : undefined;
    if (fields?.url === undefined || Object.keys(fields).length !== 1) throw error;
    const url = (body as { url?: unknown } | null)?.url;
    const reading = typeof url === 'string' ? parseDataSourceUrl(url) : undefined;
    // The URL's own problem, said as every other refused URL is (reason code included).
    if (reading && !reading.ok) throw invalidDataSourceUrl(reading.reason);
    throw error;
  }
}

/** A data source's id or name; names start with a letter, so the two never collide. */
function idOrName(param: Request['params'][string] | undefined): number | string {
  const key = String(param ?? '');
  return /^[0-9]+$/.test(key) ? Number(key) : key;
}

async function requireName(store: KnowledgeStore, request: Request): Promise<string> {
  // Under `/:name`, a definition's `/:id` is in the params too: the data source is `:name` only.
  const key = idOrName(request.params.name);
  const found = await store.datasources.get(key);
  if (!found) {
    throw new QuarryError(
      'DATASOURCE_NOT_FOUND',
      `There is no data source ${JSON.stringify(key)}.`,
    );
  }
  return found.name;
}

/**
 * Attaches what admins set to what the data source reports: tables and columns shaped like
 * `{name, columns: [{name}]}` get a `description` (null when none) and `hidden`; entries for
 * tables the source no longer has are still listed under `descriptions`.
 */
function mergeDescriptions(described: unknown, descriptions: SchemaDescription[]): unknown {
  if (!Array.isArray(described)) return described;
  const annotations = (table: string, column: string | null) => {
    const found = descriptions.find((d) => d.table === table && d.column === column);
    return { description: found?.description || null, hidden: found?.hidden ?? false };
  };
  return described.map((table: unknown) => {
    if (!isNamed(table)) return table;
    const columns = (table as { columns?: unknown }).columns;
    return {
      ...table,
      ...annotations(table.name, null),
      ...(Array.isArray(columns)
        ? {
            columns: columns.map((column: unknown) =>
              isNamed(column) ? { ...column, ...annotations(table.name, column.name) } : column,
            ),
          }
        : {}),
    };
  });
}

function isNamed(value: unknown): value is { name: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { name?: unknown }).name === 'string'
  );
}

/** `/api/datasources`: the databases users ask about; passwords never leave the server. */
export function dataSourceRoutes(deps: AdminApiDeps): Router {
  const { store } = deps;
  const router = Router();

  router.get('/', async (request, response) => {
    response.json(await store.datasources.list(parseWith(listQuerySchema, request.query, 'query')));
  });

  router.post('/', async (request, response) => {
    const input = parseDataSourceBody(dataSourceInputSchema, request.body);
    await validateDataSourceUrl(input.url, { appDatabaseUrl: deps.appDatabaseUrl });
    response.status(201).json(await store.datasources.create(input));
  });

  router.post('/test', async (request, response) => {
    if (!deps.testConnection) throw notAvailable('Testing a connection');
    const body = parseDataSourceBody(testConnectionSchema, request.body);
    const stored = body.name ? await store.datasources.getUrl(body.name) : undefined;
    if (body.name && stored === undefined) {
      throw badRequest(`There is no data source named "${body.name}".`, {
        name: 'no such data source',
      });
    }
    const url = body.url ? (stored ? mergeMaskedPassword(body.url, stored) : body.url) : stored;
    await validateDataSourceUrl(url as string, { appDatabaseUrl: deps.appDatabaseUrl });
    try {
      await deps.testConnection(url as string);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const reason = connectionFailureReason(error, url as string);
      throw badRequest(
        describeReason(reason, 'en'),
        { url: message },
        { reason, fieldReasons: { url: reason } },
      );
    }
    response.json({ ok: true });
  });

  router.get('/:id', async (request, response) => {
    const found = await store.datasources.get(idOrName(request.params.id));
    if (!found) throw new QuarryError('NOT_FOUND', `There is no data source ${request.params.id}.`);
    response.json(found);
  });

  router.put('/:id', async (request, response) => {
    const input = parseDataSourceBody(dataSourceUpdateSchema, request.body);
    if (input.url !== undefined) {
      await validateDataSourceUrl(input.url, { appDatabaseUrl: deps.appDatabaseUrl });
    }
    response.json(await store.datasources.update(idOrName(request.params.id), input));
  });

  router.delete('/:id', async (request, response) => {
    await store.datasources.delete(idOrName(request.params.id));
    response.status(204).end();
  });

  router.get('/:name/schema', async (request, response) => {
    const name = await requireName(store, request);
    if (!deps.describeDataSource) throw notAvailable('Describing a data source');
    const [described, descriptions] = await Promise.all([
      deps.describeDataSource(name),
      store.schemaDescriptions.list(name),
    ]);
    response.json({
      datasource: name,
      tables: mergeDescriptions(described, descriptions),
      descriptions,
    });
  });

  router.get('/:name/descriptions', async (request, response) => {
    const name = await requireName(store, request);
    response.json({ items: await store.schemaDescriptions.list(name) });
  });

  router.put('/:name/descriptions', async (request, response) => {
    const name = await requireName(store, request);
    const body = parseWith(schemaDescriptionInputSchema, objectBody(request.body));
    const changed = await store.schemaDescriptions.change(name, body.table, body.column, {
      description: body.description,
      hidden: body.hidden,
    });
    // Nothing left to say about the table or column (no description, not hidden): removed.
    if (changed === undefined) {
      response.status(204).end();
      return;
    }
    response.json(changed);
  });

  router.post('/:name/preview', async (request, response) => {
    const name = await requireName(store, request);
    if (!deps.previewSql) throw notAvailable('Previewing SQL');
    const body = parseWith(sqlBodySchema.pick({ sql: true }), objectBody(request.body));
    response.json(await deps.previewSql(name, body.sql));
  });

  router.use(
    '/:name',
    semanticLayerRoutes(store, deps.semantics, (request) => requireName(store, request)),
  );

  return router;
}
