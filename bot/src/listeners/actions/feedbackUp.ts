import { messagesFor } from '../../answer/messages.js';
import { toBotError } from '../../errors.js';
import type { ListenerDeps } from '../deps.js';
import { answerButtonListener, type ButtonListener } from './buttonContext.js';

/** 👍: recorded on the ask's history; the clicker is thanked privately. */
export function feedbackUpHandler(deps: ListenerDeps): ButtonListener {
  return answerButtonListener((click) => {
    const m = messagesFor(click.language);
    void (async () => {
      let reply = m.thanksUp;
      try {
        await deps.quarry.sendFeedback(click.askId, { rating: 'up' });
      } catch (thrown) {
        deps.logger.warn({ err: toBotError(thrown), askId: click.askId }, 'could not record 👍');
        reply = m.feedbackFailed;
      }
      await deps.slack
        .postEphemeral(click.channel, click.userId, reply, click.threadTs)
        .catch((error: unknown) =>
          deps.logger.warn({ err: toBotError(error) }, 'could not thank for 👍'),
        );
    })();
  });
}
