import type { Language } from './language.js';
import { messagesFor } from './messages.js';

export const FEEDBACK_MODAL_ID = 'quarry_feedback_comment';
export const COMMENT_BLOCK_ID = 'comment';
export const COMMENT_ACTION_ID = 'comment';

/** What the modal carries from the 👎 click to its submission. */
export interface FeedbackTarget {
  askId: string;
  channel: string;
  threadTs: string;
  language: Language;
}

/** The "what was wrong?" modal that a 👎 opens; its one field is optional. */
export function feedbackModal(target: FeedbackTarget) {
  const m = messagesFor(target.language);
  return {
    type: 'modal' as const,
    callback_id: FEEDBACK_MODAL_ID,
    private_metadata: JSON.stringify(target),
    title: { type: 'plain_text' as const, text: m.modalTitle },
    submit: { type: 'plain_text' as const, text: m.modalSubmit },
    close: { type: 'plain_text' as const, text: m.modalCancel },
    blocks: [
      {
        type: 'input' as const,
        block_id: COMMENT_BLOCK_ID,
        optional: true,
        label: { type: 'plain_text' as const, text: m.modalLabel },
        element: {
          type: 'plain_text_input' as const,
          action_id: COMMENT_ACTION_ID,
          multiline: true,
          max_length: 2000,
          placeholder: { type: 'plain_text' as const, text: m.modalPlaceholder },
        },
      },
    ],
  };
}

/** Reads the modal's metadata back; undefined when it is not ours or is damaged. */
export function parseFeedbackTarget(metadata: string): FeedbackTarget | undefined {
  try {
    const value = JSON.parse(metadata) as Partial<FeedbackTarget>;
    if (
      typeof value.askId !== 'string' ||
      typeof value.channel !== 'string' ||
      typeof value.threadTs !== 'string'
    ) {
      return undefined;
    }
    return {
      askId: value.askId,
      channel: value.channel,
      threadTs: value.threadTs,
      language: value.language === 'zh' ? 'zh' : 'en',
    };
  } catch {
    return undefined;
  }
}
