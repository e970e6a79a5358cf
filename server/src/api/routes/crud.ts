import { listQuerySchema } from '@quarry/shared';
import type { Router } from 'express';
import type { z } from 'zod';
import { QuarryError } from '../../errors.js';
import type { CrudRepository } from '../../knowledge/port.js';
import { badRequest, idParam, parseWith } from '../http.js';

export interface CrudRoutesOptions<T, I> {
  /** What one item is called in messages: "SQL pair". */
  what: string;
  repository: CrudRepository<T, I>;
  schema: z.ZodType<I>;
  /** The input fields of a stored item, so a PUT may send only what changes. */
  editable(item: T): Record<string, unknown>;
}

/** Accepts only a JSON object body; anything else can't name fields. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('The request body must be a JSON object.', { body: 'must be a JSON object' });
  }
  return body as Record<string, unknown>;
}

/**
 * List, create, read, change, remove for one resource. PUT merges the body over the stored
 * item and validates the whole, so rules spanning fields (a matched instruction needs
 * questions) hold after partial changes too.
 */
export function mountCrudRoutes<T, I>(router: Router, options: CrudRoutesOptions<T, I>): void {
  const { what, repository, schema } = options;

  const require = async (id: number): Promise<T> => {
    const item = await repository.get(id);
    if (item === undefined)
      throw new QuarryError('NOT_FOUND', `There is no ${what} with id ${id}.`);
    return item;
  };

  router.get('/', async (request, response) => {
    const query = parseWith(listQuerySchema, request.query, 'query');
    response.json(await repository.list(query));
  });

  router.post('/', async (request, response) => {
    const input = parseWith(schema, objectBody(request.body));
    response.status(201).json(await repository.create(input));
  });

  router.get('/:id', async (request, response) => {
    response.json(await require(idParam(request, what)));
  });

  router.put('/:id', async (request, response) => {
    const id = idParam(request, what);
    const body = objectBody(request.body);
    const stored = await require(id);
    const input = parseWith(schema, { ...options.editable(stored), ...body });
    response.json(await repository.update(id, input));
  });

  router.delete('/:id', async (request, response) => {
    await repository.delete(idParam(request, what));
    response.status(204).end();
  });
}
