import { askBodySchema, type Intent } from '@quarry/shared';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { type AskLimiter, acquireAsker } from '../asks/askLimiter.js';
import type { AskService } from '../asks/askService.js';
import { QuarryError } from '../errors.js';
import type { Logger } from '../logger.js';
import { requestToken, requireClientToken } from './auth.js';
import { objectBody, parseWith } from './body.js';
import { httpErrorHandler, notAvailable } from './errors.js';

const stopSchema = z.object({
  status: z.literal('stopped', { error: '"status" must be "stopped"' }),
});
const intentSchema = z.object({
  query: askBodySchema.shape.query,
  thread_id: askBodySchema.shape.thread_id,
  datasource: askBodySchema.shape.datasource,
});
const feedbackSchema = z.object({
  rating: z.enum(['up', 'down'], { error: '"rating" must be "up" or "down"' }),
  comment: z.string().trim().max(2000).optional(),
});

/**
 * The WrenAI-style asynchronous API: start an ask, poll its result, stop it, rate it; and
 * whether a conversation thread has asks (how the Slack bot recognises, after a restart or on
 * another instance, a thread it answers in). Guarded by API_TOKENS like `/ws`.
 */
export function createV1Router(deps: {
  asks: AskService;
  logger: Logger;
  /** Digests of the accepted tokens (see `clientTokens`); none leaves `/v1` open. */
  apiTokens: readonly string[];
  /** Asks per user, shared with `/ws`; unlimited when absent. */
  askLimiter?: AskLimiter;
  recordFeedback: (askId: string, feedback: z.infer<typeof feedbackSchema>) => Promise<boolean>;
  /** How many asks the ask history holds with this thread id. */
  threadAskCount: (threadId: string) => Promise<number>;
  /** The intent stage on a message, without answering it (`POST /v1/intent`). */
  classifyIntent?: (input: {
    question: string;
    datasource: string;
    threadId?: string | undefined;
    signal: AbortSignal;
  }) => Promise<{ intent: Intent; rephrasedQuestion: string }>;
}): Router {
  const router = express.Router();
  router.use(express.json({ limit: '64kb' }));
  router.use(requireClientToken(deps.apiTokens));

  router.post('/asks', (request, response) => {
    const body = parseBody(askBodySchema, request.body);
    const url = new URL(request.originalUrl, 'http://localhost');
    const place = acquireAsker(deps.askLimiter, {
      user: body.user,
      token: requestToken(request, url),
      remoteAddress: request.socket.remoteAddress,
    });
    if (!place.ok) throw new QuarryError('RATE_LIMITED', place.refusal);
    const { askId, done } = deps.asks.ask({
      question: body.query,
      datasource: body.datasource,
      threadId: body.thread_id,
      source: 'api',
      askedBy: body.user,
      askedByName: body.user_name,
    });
    void done.then(place.release, place.release);
    response.status(202).json({ query_id: askId });
  });

  router.get('/asks/:id/result', async (request, response) => {
    const view = await deps.asks.view(request.params.id as string);
    if (!view) throw new QuarryError('NOT_FOUND', `No ask with id ${request.params.id}.`);
    response.json(view);
  });

  router.patch('/asks/:id', async (request, response) => {
    parseBody(stopSchema, request.body);
    const id = request.params.id as string;
    const view = await deps.asks.view(id);
    if (!view) throw new QuarryError('NOT_FOUND', `No ask with id ${id}.`);
    const stopped = await deps.asks.stop(id);
    response.json({ query_id: id, stopped });
  });

  router.post('/asks/:id/feedback', async (request, response) => {
    const feedback = parseBody(feedbackSchema, request.body);
    const found = await deps.recordFeedback(request.params.id as string, feedback);
    if (!found) throw new QuarryError('NOT_FOUND', `No ask with id ${request.params.id}.`);
    response.json({ ok: true });
  });

  router.post('/intent', async (request, response) => {
    const body = parseBody(intentSchema, request.body);
    if (!deps.classifyIntent) throw notAvailable('Intent classification');
    const controller = new AbortController();
    response.on('close', () => controller.abort());
    const understood = await deps.classifyIntent({
      question: body.query,
      datasource: body.datasource ?? 'default',
      threadId: body.thread_id,
      signal: controller.signal,
    });
    response.json({ intent: understood.intent, rephrased_question: understood.rephrasedQuestion });
  });

  router.get('/threads/:thread_id', async (request, response) => {
    const threadId = request.params.thread_id as string;
    const asks = await deps.threadAskCount(threadId);
    if (asks === 0) throw new QuarryError('NOT_FOUND', `No ask in thread ${threadId}.`);
    response.json({ thread_id: threadId, asks });
  });

  router.use((request: Request, _response: Response, next: NextFunction) => {
    next(new QuarryError('NOT_FOUND', `There is no route ${request.method} /v1${request.path}.`));
  });
  router.use(httpErrorHandler(deps.logger, 'v1 API'));
  return router;
}

/** A JSON object body checked with `schema`; no body at all reads as `{}`, naming the fields. */
function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  return parseWith(schema, objectBody(body ?? {}));
}
