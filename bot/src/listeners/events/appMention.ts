import type { Middleware, SlackEventMiddlewareArgs } from '@slack/bolt';
import { detectLanguage } from '../../answer/language.js';
import { messagesFor } from '../../answer/messages.js';
import { toBotError } from '../../errors.js';
import { questionFromSlackText } from '../../slack/messageText.js';
import type { ListenerDeps } from '../deps.js';

/** `@Quarry how many…` in a channel: answered in the message's thread (or the thread it is in). */
export function appMentionHandler(
  deps: ListenerDeps,
): Middleware<SlackEventMiddlewareArgs<'app_mention'>> {
  return async ({ event }) => {
    // Bolt acknowledged the event before calling us; everything below runs after the ack.
    if (event.bot_id !== undefined || event.user === undefined) return;
    if (!deps.questions.add(`${event.channel}:${event.ts}`)) return;
    const threadTs = event.thread_ts ?? event.ts;
    const text = questionFromSlackText(event.text, deps.botUserId);
    if (text === '') {
      const help = messagesFor(detectLanguage(event.text)).help;
      void deps.slack
        .postMessage(event.channel, { text: help }, threadTs)
        .catch((error: unknown) =>
          deps.logger.warn({ err: toBotError(error) }, 'could not post help'),
        );
      return;
    }
    void deps.answerer.answer({
      channel: event.channel,
      threadTs,
      messageTs: event.ts,
      text,
      userId: event.user,
    });
  };
}
