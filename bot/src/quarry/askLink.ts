import {
  type AskFrame,
  createAskEndTracker,
  type QueryFrame,
  type RefusalFrame,
} from '@quarry/shared';
import WebSocket from 'ws';
import { BotError } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * The frame that ends an ask: its reply or error, the server's refusal of the question, or its
 * result or the last part after it (answer, chart, follow-ups) that the result announced.
 */
export type ClosingFrame = AskFrame | RefusalFrame;

export interface AskHandlers {
  onFrame(frame: AskFrame | RefusalFrame): void;
  /** A connection attempt failed; the next one starts in `delayMs`. */
  onConnectRetry?(failures: number, delayMs: number): void;
}

/**
 * The bot's side of the server's `/ws` in events mode. Promises: every frame of the ask reaches
 * `onFrame` in order, and `ask` settles exactly once, with the closing frame or a BotError
 * (SERVER_UNREACHABLE, SERVER_REFUSED, CONNECTION_LOST, ASK_TIMED_OUT). Leaves out: resending
 * a question once the server has it (the server stops an ask whose socket closes).
 */
export interface AskLink {
  ask(query: Omit<QueryFrame, 'type' | 'format'>, handlers: AskHandlers): Promise<ClosingFrame>;
  /** Drops every open socket (shutdown); their asks fail with CONNECTION_LOST. */
  close(): void;
}

export interface AskLinkOptions {
  wsUrl: string;
  apiToken: string | undefined;
  logger: Logger;
  /** The waits between connection attempts; one retry per entry. */
  connectBackoffMs?: readonly number[];
  connectTimeoutMs?: number;
  /** An ask that sends nothing for this long is given up. */
  idleTimeoutMs?: number;
}

export const DEFAULT_CONNECT_BACKOFF_MS = [500, 1000, 2000, 4000] as const;
/**
 * A safety net, not a deadline: one model call may legitimately run minutes (time-out times
 * retries) without an event, so only a much longer silence means the server is gone.
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * One WebSocket per question: events-mode frames carry the ask id only once the server has
 * chosen it, so a private socket is the only way to match frames to a question, a dropped socket
 * costs one answer only, and the server's per-connection ask limit never throttles the bot.
 * Connecting retries with exponential back-off, so a restarted server is picked up on its own.
 */
export function createAskLink(options: AskLinkOptions): AskLink {
  const backoff = options.connectBackoffMs ?? DEFAULT_CONNECT_BACKOFF_MS;
  const open = new Set<WebSocket>();
  const url = new URL(options.wsUrl);
  url.searchParams.set('format', 'json');
  const headers: Record<string, string> = options.apiToken
    ? { Authorization: `Bearer ${options.apiToken}` }
    : {};

  const attempt = (query: QueryFrame, handlers: AskHandlers) =>
    new Promise<ClosingFrame>((resolve, reject) => {
      const ws = new WebSocket(url, {
        headers,
        handshakeTimeout: options.connectTimeoutMs ?? 5000,
      });
      open.add(ws);
      let opened = false;
      let settled = false;
      const isLast = createAskEndTracker();
      let idle: NodeJS.Timeout | undefined;
      const finish = (outcome: { frame: ClosingFrame } | { error: BotError }) => {
        if (settled) return;
        settled = true;
        clearTimeout(idle);
        open.delete(ws);
        if ('frame' in outcome) {
          ws.close(1000);
          resolve(outcome.frame);
        } else {
          ws.terminate();
          reject(outcome.error);
        }
      };
      const armIdle = () => {
        clearTimeout(idle);
        idle = setTimeout(
          () =>
            finish({
              error: new BotError('ASK_TIMED_OUT', 'the Quarry server sent nothing for too long'),
            }),
          options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
        );
      };

      ws.on('unexpected-response', (_request, response) => {
        const status = response.statusCode ?? 0;
        response.resume();
        finish({
          error:
            status === 401 || status === 403
              ? new BotError(
                  'SERVER_REFUSED',
                  `the Quarry server refused the bot (HTTP ${status})`,
                  { context: { status } },
                )
              : new BotError(
                  'SERVER_UNREACHABLE',
                  `the Quarry server answered HTTP ${status} on /ws`,
                  {
                    context: { status, retry: true },
                  },
                ),
        });
      });
      ws.on('open', () => {
        opened = true;
        armIdle();
        ws.send(JSON.stringify(query));
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        armIdle();
        let frame: AskFrame | RefusalFrame;
        try {
          frame = JSON.parse(data.toString()) as AskFrame | RefusalFrame;
        } catch {
          options.logger.warn('Quarry sent a frame that is not JSON; ignored');
          return;
        }
        if (typeof frame !== 'object' || frame === null || typeof frame.type !== 'string') return;
        handlers.onFrame(frame);
        if (isLast(frame)) finish({ frame });
      });
      ws.on('error', (error) => {
        if (!opened) {
          finish({
            error: new BotError(
              'SERVER_UNREACHABLE',
              `cannot reach the Quarry server: ${error.message}`,
              {
                cause: error,
                context: { retry: true },
              },
            ),
          });
        } else {
          options.logger.warn({ err: error }, 'Quarry socket error');
        }
      });
      ws.on('close', (code) => {
        finish({
          error: opened
            ? new BotError(
                'CONNECTION_LOST',
                `the Quarry socket closed (${code}) before the answer`,
                { context: { code } },
              )
            : new BotError('SERVER_UNREACHABLE', 'the Quarry server closed the connection', {
                context: { retry: true },
              }),
        });
      });
    });

  return {
    async ask(query, handlers) {
      const frame: QueryFrame = { type: 'query', ...query, format: 'json' };
      for (let failures = 0; ; failures += 1) {
        try {
          return await attempt(frame, handlers);
        } catch (error) {
          const retryable = error instanceof BotError && error.context.retry === true;
          const delay = backoff[failures];
          if (!retryable || delay === undefined) throw error;
          options.logger.warn(
            { err: error, failures: failures + 1, delay },
            'Quarry server unreachable; retrying',
          );
          handlers.onConnectRetry?.(failures + 1, delay);
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    },
    close() {
      for (const ws of open) ws.terminate();
      open.clear();
    },
  };
}
