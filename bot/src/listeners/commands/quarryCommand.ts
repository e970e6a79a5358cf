import type { Middleware, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { detectLanguage } from '../../answer/language.js';
import { messagesFor } from '../../answer/messages.js';
import { escapeMrkdwn } from '../../answer/text.js';
import { toBotError } from '../../errors.js';
import { questionFromSlackText } from '../../slack/messageText.js';
import type { ListenerDeps } from '../deps.js';

export const QUARRY_COMMAND = '/quarry';

/**
 * `/quarry <question>`: a slash command has no message to thread on, so the bot posts the
 * question itself and answers in that message's thread, where follow-ups then work as usual.
 */
export function quarryCommandHandler(deps: ListenerDeps): Middleware<SlackCommandMiddlewareArgs> {
  return async ({ command, ack, respond }) => {
    await ack();
    const text = questionFromSlackText(command.text, deps.botUserId);
    const m = messagesFor(detectLanguage(text));
    if (text === '') {
      await respond({ response_type: 'ephemeral', text: m.help });
      return;
    }
    void (async () => {
      let rootTs: string;
      try {
        rootTs = await deps.slack.postMessage(command.channel_id, {
          text: `<@${command.user_id}>: ${escapeMrkdwn(text)}`,
        });
      } catch (thrown) {
        const error = toBotError(thrown);
        deps.logger.warn(
          { err: error, channel: command.channel_id },
          '/quarry: cannot post in the channel',
        );
        await respond({ response_type: 'ephemeral', text: m.cannotPostHere }).catch(
          () => undefined,
        );
        return;
      }
      await deps.answerer.answer({
        channel: command.channel_id,
        threadTs: rootTs,
        text,
        userId: command.user_id,
      });
    })();
  };
}
