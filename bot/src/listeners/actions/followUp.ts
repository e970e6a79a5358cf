import type { ListenerDeps } from '../deps.js';
import type { ButtonListener } from './buttonContext.js';

/**
 * A follow-up question button: asks its question in the answer's thread as the person who
 * clicked (their id keys per-user limits and the history). A second click of the same button
 * by the same person is the same question and is not asked again.
 */
export function followUpHandler(deps: ListenerDeps): ButtonListener {
  return async ({ ack, body, action }) => {
    await ack();
    const channel = body.channel?.id ?? body.container?.channel_id;
    const message = body.message;
    const question = action.value?.trim();
    if (typeof channel !== 'string' || message === undefined || !question) return;
    const threadTs = typeof message.thread_ts === 'string' ? message.thread_ts : message.ts;
    const userId = body.user.id;
    if (!deps.questions.add(`follow-up:${channel}:${message.ts}:${action.action_id}:${userId}`)) {
      return;
    }
    void deps.answerer.answer({ channel, threadTs, text: question, userId, fromButton: true });
  };
}
