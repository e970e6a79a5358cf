import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import {
  COMMENT_ACTION_ID,
  COMMENT_BLOCK_ID,
  parseFeedbackTarget,
} from '../../answer/feedbackModal.js';
import { messagesFor } from '../../answer/messages.js';
import { toBotError } from '../../errors.js';
import type { ListenerDeps } from '../deps.js';

/** The 👎 modal's submission: the comment joins the rating on the ask's history. */
export function feedbackCommentHandler(
  deps: ListenerDeps,
): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  return async ({ ack, view, body }) => {
    await ack();
    const target = parseFeedbackTarget(view.private_metadata);
    if (target === undefined) return;
    const comment = view.state.values[COMMENT_BLOCK_ID]?.[COMMENT_ACTION_ID]?.value?.trim() ?? '';
    const m = messagesFor(target.language);
    void (async () => {
      let reply = m.thanksComment;
      try {
        await deps.quarry.sendFeedback(target.askId, {
          rating: 'down',
          ...(comment ? { comment: comment.slice(0, 2000) } : {}),
        });
      } catch (thrown) {
        deps.logger.warn(
          { err: toBotError(thrown), askId: target.askId },
          'could not record the 👎 comment',
        );
        reply = m.feedbackFailed;
      }
      await deps.slack
        .postEphemeral(target.channel, body.user.id, reply, target.threadTs)
        .catch((error: unknown) =>
          deps.logger.warn({ err: toBotError(error) }, 'could not thank for the comment'),
        );
    })();
  };
}
