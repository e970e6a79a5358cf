import { listQuerySchema, type Page } from '@quarry/shared';
import type { Router } from 'express';
import type { z } from 'zod';
import { QuarryError } from '../../errors.js';
import { idParam, objectBody, parseWith } from '../../http/body.js';
import type { CrudRepository, RowCheck } from '../../knowledge/port.js';

export interface CrudRoutesOptions<T, I> {
  /** What one item is called in messages: "SQL pair". */
  what: string;
  repository: CrudRepository<T, I>;
  schema: z.ZodType<I>;
  /** The input fields of a stored item, so a PUT may send only what changes. */
  editable(item: T): Record<string, unknown>;
  /**
   * Checks an input before it is written: a refusal is answered with its reason and nothing
   * is written; warnings come back on the saved item as `warnings`.
   */
  check?: (input: I) => Promise<RowCheck>;
  /** Brings a listed page up to date (re-checks what may have gone stale). */
  refreshPage?: (page: Page<T>) => Promise<Page<T>>;
}

/** The QuarryError a refused check becomes: the guard's code for SQL, else BAD_REQUEST. */
export function checkRefusal(error: NonNullable<RowCheck['error']>): QuarryError {
  const code = error.reason?.code ?? '';
  const errorCode = code.startsWith('sql_does_not_run')
    ? 'DRY_RUN_FAILED'
    : code.startsWith('sql_')
      ? 'UNSAFE_SQL'
      : 'BAD_REQUEST';
  const field = error.field ?? 'body';
  return new QuarryError(errorCode, error.message, {
    context: {
      fields: { [field]: error.message },
      ...(error.reason ? { reason: error.reason, fieldReasons: { [field]: error.reason } } : {}),
    },
  });
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

  const checked = async (input: I) => {
    const result = options.check ? await options.check(input) : {};
    if (result.error) throw checkRefusal(result.error);
    return result.warnings && result.warnings.length > 0 ? { warnings: result.warnings } : {};
  };

  router.get('/', async (request, response) => {
    const query = parseWith(listQuerySchema, request.query, 'query');
    const page = await repository.list(query);
    response.json(options.refreshPage ? await options.refreshPage(page) : page);
  });

  router.post('/', async (request, response) => {
    const input = parseWith(schema, objectBody(request.body));
    const warnings = await checked(input);
    response.status(201).json({ ...(await repository.create(input)), ...warnings });
  });

  router.get('/:id', async (request, response) => {
    response.json(await require(idParam(request, what)));
  });

  router.put('/:id', async (request, response) => {
    const id = idParam(request, what);
    const body = objectBody(request.body);
    const stored = await require(id);
    const input = parseWith(schema, { ...options.editable(stored), ...body });
    const warnings = await checked(input);
    response.json({ ...(await repository.update(id, input)), ...warnings });
  });

  router.delete('/:id', async (request, response) => {
    await repository.delete(idParam(request, what));
    response.status(204).end();
  });
}
