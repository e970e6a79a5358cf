import type { Middleware, SlackEventMiddlewareArgs } from '@slack/bolt';
import { mentionsUser, questionFromSlackText } from '../../slack/messageText.js';
import type { ListenerDeps } from '../deps.js';

/** Message subtypes a person sends; every other subtype (edits, joins, bot posts…) is ignored. */
const PERSON_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share']);

/**
 * Direct messages, and replies in a thread the bot already answers (a follow-up needs no new
 * mention: the thread is the conversation), whichever instance answered it and whenever.
 * Bots, including this one, are never answered.
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
    void deps.answerer.answer({
      channel: message.channel,
      threadTs: threadTs ?? message.ts,
      messageTs: message.ts,
      text: question,
      userId: message.user,
    });
  };
}
