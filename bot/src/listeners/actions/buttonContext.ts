import type { BlockAction, ButtonAction } from '@slack/bolt';
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
