import {
  askListQuerySchema,
  describeReason,
  feedbackSchema,
  promoteSchema,
  type Reason,
  reviewSchema,
} from '@quarry/shared';
import { type Request, Router } from 'express';
import { QuarryError } from '../../errors.js';
import { objectBody, parseWith } from '../../http/body.js';
import type { KnowledgeStore } from '../../knowledge/port.js';
import { checkRefusal } from './crud.js';
import type { KnowledgeChecks } from './knowledge.js';

function askId(request: Request): string {
  return String(request.params.id ?? '');
}

async function requireAsk(store: KnowledgeStore, id: string) {
  const ask = await store.asks.get(id);
  if (!ask) throw new QuarryError('NOT_FOUND', `There is no ask with id ${id}.`);
  return ask;
}

function refused(code: 'BAD_REQUEST' | 'CONFLICT', field: string, reason: Reason): QuarryError {
  const message = describeReason(reason, 'en');
  return new QuarryError(code, message, {
    context: { fields: { [field]: message }, reason, fieldReasons: { [field]: reason } },
  });
}

/**
 * `/api/asks`: ask history, feedback, review (verified / rejected) and promotion of good
 * answers, with the SQL an admin may have edited, to SQL pairs (checked like any pair).
 */
export function askRoutes(store: KnowledgeStore, checks: KnowledgeChecks = {}): Router {
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
    const sql = body.sql ?? ask.sql;
    if (!sql) throw refused('BAD_REQUEST', 'sql', { code: 'no_sql_to_promote' });
    // The asker said it was wrong: keeping it as verified SQL needs an explicit yes.
    if (ask.rating === 'down' && body.confirm !== true) {
      throw refused('CONFLICT', 'confirm', { code: 'promote_down_rated' });
    }
    const reason = checks.sql ? await checks.sql(ask.datasource, sql) : null;
    if (reason !== null) {
      throw checkRefusal({ field: 'sql', message: describeReason(reason, 'en'), reason });
    }
    const pair = await store.sqlPairs.create({
      question: body.question ?? ask.question,
      sql,
      datasource: ask.datasource,
    });
    await store.asks.update(ask.id, { review_status: 'verified', promoted_pair_id: pair.id });
    response.status(201).json(pair);
  });

  router.put('/:id/review', async (request, response) => {
    const { status } = parseWith(reviewSchema, objectBody(request.body));
    const ask = await requireAsk(store, askId(request));
    // Un-verifying takes back what verifying gave: the promoted pair answers no more questions.
    const unverified = status !== 'verified' && ask.promoted_pair_id !== null;
    if (unverified && ask.promoted_pair_id !== null) {
      await store.sqlPairs.delete(ask.promoted_pair_id).catch((error: unknown) => {
        if (!(error instanceof QuarryError && error.code === 'NOT_FOUND')) throw error;
      });
    }
    await store.asks.update(ask.id, {
      review_status: status,
      ...(unverified ? { promoted_pair_id: null } : {}),
    });
    response.json(await requireAsk(store, ask.id));
  });

  return router;
}
