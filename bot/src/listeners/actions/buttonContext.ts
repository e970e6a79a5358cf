import type { BlockAction, ButtonAction, Middleware, SlackActionMiddlewareArgs } from '@slack/bolt';
import { detectLanguage, type Language } from '../../answer/language.js';

/** Where a button on an answer was clicked, and by whom. */
export interface ButtonContext {
  askId: string;
  channel: string;
  threadTs: string;
  userId: string;
  triggerId: string;
  /** The answer's language, read off the button's own label. */
  language: Language;
}

/** Undefined when the click did not come from an answer message (no channel or message). */
export function buttonContext(body: BlockAction, action: ButtonAction): ButtonContext | undefined {
  const channel = body.channel?.id ?? body.container?.channel_id;
  const message = body.message;
  if (typeof channel !== 'string' || message === undefined || !action.value) return undefined;
  const threadTs = typeof message.thread_ts === 'string' ? message.thread_ts : message.ts;
  return {
    askId: action.value,
    channel,
    threadTs,
    userId: body.user.id,
    triggerId: body.trigger_id,
    language: detectLanguage(action.text.text),
  };
}

/** A listener for one kind of button click. */
export type ButtonListener = Middleware<SlackActionMiddlewareArgs<BlockAction<ButtonAction>>>;

/**
 * The listener for a button on an answer: acks first (Slack wants it within three seconds),
 * then hands `onClick` where and by whom the button was clicked. A click that did not come from
 * an answer message is acked and dropped.
 */
export function answerButtonListener(onClick: (click: ButtonContext) => void): ButtonListener {
  return async ({ ack, body, action }) => {
    await ack();
    const click = buttonContext(body, action);
    if (click !== undefined) onClick(click);
  };
}
