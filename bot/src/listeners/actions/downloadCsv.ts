import type { BlockAction, ButtonAction, Middleware, SlackActionMiddlewareArgs } from '@slack/bolt';
import { toBotError } from '../../errors.js';
import type { ListenerDeps } from '../deps.js';
import { buttonContext } from './buttonContext.js';

/** "Download CSV": the answer's rows as a file in its thread, on request. */
export function downloadCsvHandler(
  deps: ListenerDeps,
): Middleware<SlackActionMiddlewareArgs<BlockAction<ButtonAction>>> {
  return async ({ ack, body, action }) => {
    await ack();
    const click = buttonContext(body, action);
    if (click === undefined) return;
    void deps.csv
      .uploadOnRequest({
        channel: click.channel,
        threadTs: click.threadTs,
        askId: click.askId,
        userId: click.userId,
        language: click.language,
      })
      .catch((error: unknown) =>
        deps.logger.warn({ err: toBotError(error) }, 'CSV on request failed'),
      );
  };
}
