import {
  calculatedFieldInputSchema,
  calculatedFieldPreviewSchema,
  listQuerySchema,
  metricInputSchema,
  type Page,
  relationshipInputSchema,
} from '@quarry/shared';
import { type Request, Router } from 'express';
import type { z } from 'zod';
import { QuarryError } from '../../errors.js';
import { idParam, objectBody, parseWith } from '../../http/body.js';
import { notAvailable } from '../../http/errors.js';
import type { CrudRepository, KnowledgeStore } from '../../knowledge/port.js';
import { paging } from '../../knowledge/repositories/listPage.js';
import type { SemanticLayer } from '../../semantics/service.js';

/** `T`, the stored definition, carries every input field under the input's name. */
interface DefinitionRoutes<T extends { id: number | null } & Record<keyof I, unknown>, I, Stored> {
  what: string;
  /** False when the route lists items some other way. */
  list?: boolean;
  /** An object schema: a PUT may send only what changes, the rest is read from the stored item. */
  schema: z.ZodType<I> & { shape: Record<string, unknown> };
  repository(datasource: string): CrudRepository<T, Stored>;
  /** Validates on the data source; throws BAD_REQUEST naming the problem. */
  check(layer: SemanticLayer, datasource: string, input: I, id?: number): Promise<Stored>;
}

/**
 * List, create, read, change, remove for one kind of definition under a data source. Every
 * create and change is validated on the data source first (SQL parses, passes the guard and
 * dry-runs), so what is stored runs when it is saved.
 */
function mountDefinitionRoutes<
  T extends { id: number | null } & Record<keyof I, unknown>,
  I,
  Stored,
>(
  router: Router,
  path: string,
  layer: () => SemanticLayer,
  name: (request: Request) => Promise<string>,
  routes: DefinitionRoutes<T, I, Stored>,
): void {
  const require = async (datasource: string, id: number): Promise<T> => {
    const item = await routes.repository(datasource).get(id);
    if (item === undefined) {
      throw new QuarryError('NOT_FOUND', `There is no ${routes.what} with id ${id}.`);
    }
    return item;
  };

  if (routes.list !== false)
    router.get(path, async (request, response) => {
      const datasource = await name(request);
      // Checked against the schema as it is now: a definition the schema broke shows its problem.
      // A data source that can't be reached leaves the last verdicts: the list still shows.
      await layer()
        .definitions(datasource, { fresh: true })
        .catch(() => undefined);
      response.json(
        await routes
          .repository(datasource)
          .list(parseWith(listQuerySchema, request.query, 'query')),
      );
    });

  router.post(path, async (request, response) => {
    const datasource = await name(request);
    const input = parseWith(routes.schema, objectBody(request.body));
    const stored = await routes.check(layer(), datasource, input);
    response.status(201).json(await routes.repository(datasource).create(stored));
  });

  router.get(`${path}/:id`, async (request, response) => {
    response.json(await require(await name(request), idParam(request, routes.what)));
  });

  router.put(`${path}/:id`, async (request, response) => {
    const datasource = await name(request);
    const id = idParam(request, routes.what);
    const body = objectBody(request.body);
    const current: Record<string, unknown> = await require(datasource, id);
    const editable = Object.keys(routes.schema.shape).map((field) => [field, current[field]]);
    const input = parseWith(routes.schema, { ...Object.fromEntries(editable), ...body });
    const stored = await routes.check(layer(), datasource, input, id);
    response.json(await routes.repository(datasource).update(id, stored));
  });

  router.delete(`${path}/:id`, async (request, response) => {
    const datasource = await name(request);
    await routes.repository(datasource).delete(idParam(request, routes.what));
    response.status(204).end();
  });
}

/**
 * `/api/datasources/:name/relationships`, `/calculated-fields`, `/metrics`: the data source's
 * semantic layer. Relationships list the foreign keys the database declares too (read-only,
 * `id` null) and offer suggestions to accept; calculated fields and metrics have a preview
 * that runs them as they would be saved.
 */
export function semanticLayerRoutes(
  store: KnowledgeStore,
  semantics: SemanticLayer | undefined,
  name: (request: Request) => Promise<string>,
): Router {
  const router = Router({ mergeParams: true });
  const layer = () => {
    if (!semantics) throw notAvailable('The semantic layer');
    return semantics;
  };

  // Declared foreign keys first, then the admin's, paged and searched together.
  router.get('/relationships', async (request, response) => {
    const datasource = await name(request);
    const query = parseWith(listQuerySchema, request.query, 'query');
    const needle = query.q?.toLowerCase();
    const all = (await layer().relationships(datasource)).filter(
      (r) =>
        !needle ||
        r.from_table.toLowerCase().includes(needle) ||
        r.to_table.toLowerCase().includes(needle),
    );
    const page = paging(query);
    const body: Page<(typeof all)[number]> = {
      items: all.slice(page.skip, page.skip + page.take),
      total: all.length,
      page: page.page,
      page_size: page.page_size,
    };
    response.json(body);
  });

  router.get('/relationships/suggestions', async (request, response) => {
    response.json({ items: await layer().suggestions(await name(request)) });
  });

  mountDefinitionRoutes(router, '/relationships', layer, name, {
    what: 'relationship',
    list: false,
    schema: relationshipInputSchema,
    repository: (datasource) => store.semantics.relationships(datasource),
    check: (semantic, datasource, input, id) => semantic.checkRelationship(datasource, input, id),
  });

  router.post('/calculated-fields/preview', async (request, response) => {
    const datasource = await name(request);
    const input = parseWith(calculatedFieldPreviewSchema, objectBody(request.body));
    response.json(await layer().previewCalculatedField(datasource, input));
  });

  mountDefinitionRoutes(router, '/calculated-fields', layer, name, {
    what: 'calculated field',
    schema: calculatedFieldInputSchema,
    repository: (datasource) => store.semantics.calculatedFields(datasource),
    check: (semantic, datasource, input, id) =>
      semantic.checkCalculatedField(datasource, input, id),
  });

  router.post('/metrics/preview', async (request, response) => {
    const datasource = await name(request);
    const input = parseWith(metricInputSchema, {
      name: 'preview',
      description: '-',
      ...objectBody(request.body),
    });
    response.json(await layer().previewMetric(datasource, input));
  });

  mountDefinitionRoutes(router, '/metrics', layer, name, {
    what: 'metric',
    schema: metricInputSchema,
    repository: (datasource) => store.semantics.metrics(datasource),
    check: (semantic, datasource, input, id) => semantic.checkMetric(datasource, input, id),
  });

  return router;
}
