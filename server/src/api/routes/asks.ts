import { askListQuerySchema, feedbackSchema, promoteSchema } from '@quarry/shared';
import { type Request, Router } from 'express';
import { QuarryError } from '../../errors.js';
import type { KnowledgeStore } from '../../knowledge/port.js';
import { badRequest, parseWith } from '../http.js';
import { objectBody } from './crud.js';

function askId(request: Request): string {
  return String(request.params.id ?? '');
}

async function requireAsk(store: KnowledgeStore, id: string) {
  const ask = await store.asks.get(id);
  if (!ask) throw new QuarryError('NOT_FOUND', `There is no ask with id ${id}.`);
  return ask;
}

/** `/api/asks`: ask history, feedback, and promotion of good answers to SQL pairs. */
export function askRoutes(store: KnowledgeStore): Router {
  const router = Router();

  router.get('/', async (request, response) => {
    response.json(await store.asks.list(parseWith(askListQuerySchema, request.query, 'query')));
  });

  router.get('/:id', async (request, response) => {
    response.json(await requireAsk(store, askId(request)));
  });

  router.delete('/:id', async (request, response) => {
    await store.asks.delete(askId(request));
    response.status(204).end();
  });

  router.post('/:id/feedback', async (request, response) => {
    const feedback = parseWith(feedbackSchema, objectBody(request.body));
    response.json(await store.asks.recordFeedback(askId(request), feedback));
  });

  router.post('/:id/promote', async (request, response) => {
    const body = parseWith(promoteSchema, request.body ?? {});
    const ask = await requireAsk(store, askId(request));
    if (!ask.sql) {
      throw badRequest(
        'This ask has no SQL to keep; only asks that produced SQL can be promoted.',
        {
          sql: 'the ask has no SQL',
        },
      );
    }
    const pair = await store.sqlPairs.create({
      question: body.question ?? ask.question,
      sql: ask.sql,
      datasource: ask.datasource,
    });
    response.status(201).json(pair);
  });

  return router;
}
