import type { Middleware, SlackEventMiddlewareArgs } from '@slack/bolt';
import { threadIdOf } from '../../answer/followedThreads.js';
import { isPlainThanks, THANKS_REACTION } from '../../answer/thanks.js';
import { toBotError } from '../../errors.js';
import { mentionsUser, questionFromSlackText } from '../../slack/messageText.js';
import type { ListenerDeps } from '../deps.js';

/** Message subtypes a person sends; every other subtype (edits, joins, bot posts…) is ignored. */
const PERSON_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share']);

/**
 * Direct messages, and replies in a thread the bot already answers that address it, whichever
 * instance answered it and whenever: a reply from someone who asked the bot there, or one the
 * server's intent stage takes for a data question (colleagues talking among themselves in the
 * thread are left alone; a mention arrives as `app_mention`). A plain "thanks" gets a reaction,
 * not an answer. Bots, including this one, are never answered.
 */
export function messageHandler(
  deps: ListenerDeps,
): Middleware<SlackEventMiddlewareArgs<'message'>> {
  return async ({ message }) => {
    if (!PERSON_SUBTYPES.has(message.subtype)) return;
    if (!('user' in message) || typeof message.user !== 'string' || message.user === deps.botUserId)
      return;
    if ('bot_id' in message && message.bot_id) return;
    const text = 'text' in message ? message.text : undefined;
    const threadTs =
      'thread_ts' in message && typeof message.thread_ts === 'string'
        ? message.thread_ts
        : undefined;
    const direct = message.channel_type === 'im';
    const question = questionFromSlackText(text, deps.botUserId);
    if (!direct) {
      if (threadTs === undefined) return;
      if (mentionsUser(text, deps.botUserId)) {
        // The same message also arrives as app_mention, which answers it, maybe on another
        // instance: from now on the thread is a conversation, whatever the server said before.
        deps.threads.forgetNotFollowed(message.channel, threadTs);
        return;
      }
      if (question === '' || !(await deps.threads.isFollowed(message.channel, threadTs))) return;
    }
    if (question === '') return;
    if (!deps.questions.add(`${message.channel}:${message.ts}`)) return;
    if (isPlainThanks(question)) {
      await deps.slack
        .addReaction(message.channel, message.ts, THANKS_REACTION)
        .catch((error: unknown) =>
          deps.logger.warn({ err: toBotError(error) }, 'could not react to a thanks'),
        );
      return;
    }
    if (!direct && threadTs !== undefined) {
      const addressed = await addressesTheBot(deps, {
        channel: message.channel,
        threadTs,
        user: message.user,
        question,
      });
      if (!addressed) return;
    }
    void deps.answerer.answer({
      channel: message.channel,
      threadTs: threadTs ?? message.ts,
      messageTs: message.ts,
      text: question,
      userId: message.user,
    });
  };
}

/**
 * A reply in a followed thread is for the bot when its author asked the bot there, or when the
 * intent stage calls it a data question. When the server cannot say, the reply goes unanswered.
 */
async function addressesTheBot(
  deps: ListenerDeps,
  reply: { channel: string; threadTs: string; user: string; question: string },
): Promise<boolean> {
  if (deps.threads.isAsker(reply.channel, reply.threadTs, reply.user)) return true;
  try {
    const intent = await deps.quarry.classifyIntent(
      reply.question,
      threadIdOf(reply.channel, reply.threadTs),
    );
    deps.logger.debug(
      { channel: reply.channel, thread: reply.threadTs, intent },
      'a colleague replied in an answered thread',
    );
    return intent === 'TEXT_TO_SQL';
  } catch (error) {
    deps.logger.warn(
      { err: toBotError(error), channel: reply.channel, thread: reply.threadTs },
      'could not classify a reply in an answered thread; it is not answered',
    );
    return false;
  }
}
