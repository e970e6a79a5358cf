import { toBotError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { SlackOps } from '../slack/slackOps.js';

/** Slack's answers that mean "this app may never react here", so it stops trying. */
const NOT_ALLOWED = new Set([
  'missing_scope',
  'not_allowed_token_type',
  'no_permission',
  'restricted_action',
]);
/** Answers that mean the reaction already is as wanted. */
const HARMLESS = new Set(['already_reacted', 'no_reaction', 'message_not_found']);

export const REACTIONS = { working: 'eyes', done: 'white_check_mark', failed: 'x' } as const;

export interface StatusReactions {
  /** Puts 👀 on the question. */
  start(channel: string, messageTs: string): StatusReaction;
}

export interface StatusReaction {
  /** Replaces 👀 by ✅ or ❌. */
  finish(succeeded: boolean): Promise<void>;
}

/**
 * Status reactions on the user's question, where the app's scopes allow: the first refusal for
 * lack of scope turns them off for the process instead of failing every question.
 */
export function createStatusReactions(slack: SlackOps, logger: Logger): StatusReactions {
  let enabled = true;

  const attempt = async (run: () => Promise<void>) => {
    if (!enabled) return;
    try {
      await run();
    } catch (thrown) {
      const error = toBotError(thrown);
      const slackError = error.slackError ?? '';
      if (NOT_ALLOWED.has(slackError)) {
        enabled = false;
        logger.info({ slackError }, 'status reactions turned off: the app may not add reactions');
      } else if (!HARMLESS.has(slackError)) {
        logger.warn({ err: error }, 'could not update a status reaction');
      }
    }
  };

  return {
    start(channel, messageTs) {
      const started = attempt(() => slack.addReaction(channel, messageTs, REACTIONS.working));
      return {
        async finish(succeeded) {
          await started;
          await attempt(() => slack.removeReaction(channel, messageTs, REACTIONS.working));
          await attempt(() =>
            slack.addReaction(channel, messageTs, succeeded ? REACTIONS.done : REACTIONS.failed),
          );
        },
      };
    },
  };
}
