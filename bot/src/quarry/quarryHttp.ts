import type { FeedbackRating, Intent, ResultRow } from '@quarry/shared';
import { BotError } from '../errors.js';

export interface StoredResult {
  question: string;
  columns: string[];
  rows: ResultRow[];
}

/**
 * The bot's calls to the server's `/v1` API. Promises: failures arrive as BotErrors
 * (ASK_NOT_FOUND, SERVER_REFUSED, SERVER_UNREACHABLE, INTERNAL); a network failure is retried
 * once. Leaves out: anything the bot can do over `/ws`.
 */
export interface QuarryHttp {
  /** `POST /v1/asks/:id/feedback`: the rating lands on the ask's history row. */
  sendFeedback(
    askId: string,
    feedback: { rating: FeedbackRating; comment?: string },
  ): Promise<void>;
  /** `GET /v1/asks/:id/result`, for a CSV of an answer the bot no longer holds. */
  fetchResult(askId: string): Promise<StoredResult | undefined>;
  /** `GET /v1/threads/:id`: how many asks the server's history holds for the thread (0: none). */
  threadAskCount(threadId: string): Promise<number>;
  /**
   * `POST /v1/intent`: what the server's intent stage makes of a message in a thread (with the
   * thread's earlier turns), without answering it.
   */
  classifyIntent(query: string, threadId: string): Promise<Intent>;
}

const INTENTS: readonly Intent[] = ['TEXT_TO_SQL', 'GENERAL', 'USER_GUIDE', 'MISLEADING_QUERY'];

export function createQuarryHttp(options: {
  baseUrl: string;
  apiToken: string | undefined;
  timeoutMs?: number;
  fetch?: typeof fetch;
}): QuarryHttp {
  const fetchFn = options.fetch ?? fetch;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...(options.apiToken ? { authorization: `Bearer ${options.apiToken}` } : {}),
  };

  const request = async (
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<unknown> => {
    const url = `${options.baseUrl}${path}`;
    for (let attempt = 0; ; attempt += 1) {
      let response: Response;
      try {
        response = await fetchFn(url, {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (error) {
        if (attempt === 0) {
          await new Promise((resolve) => setTimeout(resolve, 300));
          continue;
        }
        throw new BotError(
          'SERVER_UNREACHABLE',
          `cannot reach the Quarry server at ${options.baseUrl}`,
          { cause: error },
        );
      }
      const text = await response.text();
      if (response.ok) return text === '' ? undefined : (JSON.parse(text) as unknown);
      if (response.status === 404)
        throw new BotError('ASK_NOT_FOUND', `${method} ${path}: not found`);
      if (response.status === 401 || response.status === 403) {
        throw new BotError('SERVER_REFUSED', `${method} ${path}: HTTP ${response.status}`, {
          context: { status: response.status },
        });
      }
      throw new BotError(
        'INTERNAL',
        `${method} ${path}: HTTP ${response.status} ${text.slice(0, 200)}`,
        {
          context: { status: response.status },
        },
      );
    }
  };

  return {
    async sendFeedback(askId, feedback) {
      await request('POST', `/v1/asks/${encodeURIComponent(askId)}/feedback`, feedback);
    },
    async fetchResult(askId) {
      const view = (await request('GET', `/v1/asks/${encodeURIComponent(askId)}/result`)) as
        | { question?: unknown; columns?: unknown; rows?: unknown }
        | undefined;
      if (!view || !Array.isArray(view.columns) || !Array.isArray(view.rows)) return undefined;
      const question = typeof view.question === 'string' ? view.question : '';
      return { question, columns: view.columns as string[], rows: view.rows as ResultRow[] };
    },
    async classifyIntent(query, threadId) {
      const view = (await request('POST', '/v1/intent', { query, thread_id: threadId })) as
        | { intent?: unknown }
        | undefined;
      const intent = INTENTS.find((known) => known === view?.intent);
      if (!intent) throw new BotError('INTERNAL', 'POST /v1/intent: the answer carries no intent');
      return intent;
    },
    async threadAskCount(threadId) {
      const path = `/v1/threads/${encodeURIComponent(threadId)}`;
      let view: { asks?: unknown } | undefined;
      try {
        view = (await request('GET', path)) as typeof view;
      } catch (error) {
        // A 404 is the server's answer "no ask in this thread", not a failure.
        if (error instanceof BotError && error.code === 'ASK_NOT_FOUND') return 0;
        throw error;
      }
      if (typeof view?.asks !== 'number') {
        throw new BotError('INTERNAL', `GET ${path}: the answer carries no ask count`);
      }
      return view.asks;
    },
  };
}
