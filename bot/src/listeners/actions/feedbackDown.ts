import { feedbackModal } from '../../answer/feedbackModal.js';
import { messagesFor } from '../../answer/messages.js';
import { toBotError } from '../../errors.js';
import type { ListenerDeps } from '../deps.js';
import { answerButtonListener, type ButtonListener } from './buttonContext.js';

/**
 * 👎: recorded at once (a dismissed modal still counts), and the "what was wrong?" modal
 * opens; its submission adds the comment.
 */
export function feedbackDownHandler(deps: ListenerDeps): ButtonListener {
  return answerButtonListener((click) => {
    // The trigger id expires within seconds: the modal goes first.
    const modal = deps.slack
      .openModal(
        click.triggerId,
        feedbackModal({
          askId: click.askId,
          channel: click.channel,
          threadTs: click.threadTs,
          language: click.language,
        }),
      )
      .catch((error: unknown) =>
        deps.logger.warn({ err: toBotError(error) }, 'could not open the feedback modal'),
      );
    void (async () => {
      try {
        await deps.quarry.sendFeedback(click.askId, { rating: 'down' });
      } catch (thrown) {
        deps.logger.warn({ err: toBotError(thrown), askId: click.askId }, 'could not record 👎');
        await modal;
        await deps.slack
          .postEphemeral(
            click.channel,
            click.userId,
            messagesFor(click.language).feedbackFailed,
            click.threadTs,
          )
          .catch(() => undefined);
      }
    })();
  });
}
