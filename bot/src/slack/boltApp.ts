import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AnyMiddlewareArgs,
  App,
  HTTPReceiver,
  type Middleware,
  SocketModeReceiver,
} from '@slack/bolt';
import type { Registry } from 'prom-client';
import type { BotConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { toSlackLogger } from '../logger.js';
import type { RecentSet } from '../memory.js';

/** Where Slack's HTTP events arrive (contract). */
export const EVENTS_PATH = '/slack/events';

export interface BoltApp {
  app: App;
  /** Starts receiving: the HTTP port in HTTP mode, undefined in Socket Mode. */
  start(): Promise<number | undefined>;
  stop(): Promise<void>;
}

/** Where the standalone bot serves its Prometheus metrics (contract). */
export const METRICS_PATH = '/metrics';

/**
 * Bolt's App with the receiver the configuration asks for: Socket Mode when an app token is
 * set, HTTP events at `/slack/events` (signatures verified) otherwise. Authorization is the bot
 * identity the composition root already looked up, so Bolt makes no Web API call of its own.
 * With `metrics`, `GET /metrics` is a custom route: on the events port in HTTP mode; in Socket
 * Mode Bolt opens SLACK_PORT for custom routes alone (and only then opens a port at all).
 */
export function createBoltApp(options: {
  slack: BotConfig['slack'];
  identity: { botUserId: string; botId: string | undefined };
  logger: Logger;
  metrics?: Registry;
}): BoltApp {
  const { slack, identity, metrics } = options;
  const logger = toSlackLogger(options.logger);
  const clientOptions = slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {};
  const socketMode = slack.appToken !== undefined;
  const customRoutes = metrics
    ? [
        {
          path: METRICS_PATH,
          method: ['GET'],
          handler: (_request: unknown, response: ServerResponse) => {
            metrics.metrics().then(
              (text) => {
                response.writeHead(200, { 'content-type': metrics.contentType });
                response.end(text);
              },
              (error: unknown) => {
                options.logger.error({ err: error }, 'could not collect the metrics');
                response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
                response.end('metrics could not be collected; the bot log has the details\n');
              },
            );
          },
        },
      ]
    : [];
  const receiver = socketMode
    ? new SocketModeReceiver({
        appToken: slack.appToken as string,
        logger,
        customRoutes,
        installerOptions: { clientOptions, port: slack.port },
      })
    : new HTTPReceiver({
        signingSecret: slack.signingSecret ?? '',
        endpoints: EVENTS_PATH,
        logger,
        customRoutes,
        // Ack first, work afterwards: Slack gets its 200 within its 3 seconds.
        processBeforeResponse: false,
      });
  const app = new App({
    receiver,
    logger,
    clientOptions,
    convoStore: false,
    authorize: async () => ({
      botToken: slack.botToken,
      botUserId: identity.botUserId,
      ...(identity.botId ? { botId: identity.botId } : {}),
    }),
  });

  return {
    app,
    async start() {
      if (socketMode) {
        await app.start();
        return undefined;
      }
      const server = (await app.start(slack.port)) as Server;
      return (server.address() as AddressInfo).port;
    },
    async stop() {
      await app.stop();
    },
  };
}

/**
 * Slack delivers an event again when it thinks the first delivery failed (`x-slack-retry-num`
 * over HTTP, `retry_attempt` in Socket Mode); both carry the same `event_id`, so an event is
 * handled once whichever way it came.
 */
export function eventDedupeMiddleware(
  seen: RecentSet,
  logger: Logger,
): Middleware<AnyMiddlewareArgs> {
  return async ({ body, context, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string' && !seen.add(eventId)) {
      logger.info(
        { eventId, retryNum: context.retryNum, retryReason: context.retryReason },
        'dropped a repeated delivery of an event already handled',
      );
      return;
    }
    await next();
  };
}
