import type { webApi } from '@slack/bolt';
import { BotError, toBotError } from '../errors.js';
import type { Logger } from '../logger.js';

type WebClient = webApi.WebClient;

/** A message body: notification text plus Block Kit blocks. */
export interface SlackMessage {
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON is built and checked by our renderer; the SDK's block union is stricter than Slack (it lacks the table block's raw_text rows).
  blocks?: any[];
}

/**
 * The Slack Web API calls the bot makes, each turning failures into BotErrors. Every call but
 * `updateMessage` and `userName` waits out a 429 (`Retry-After`) and tries again a few times;
 * updates are throttled and retried by their coalescer, which knows whether a newer update
 * replaced them.
 */
export interface SlackOps {
  postMessage(channel: string, message: SlackMessage, threadTs?: string): Promise<string>;
  updateMessage(channel: string, ts: string, message: SlackMessage): Promise<void>;
  postEphemeral(channel: string, user: string, text: string, threadTs?: string): Promise<void>;
  addReaction(channel: string, ts: string, name: string): Promise<void>;
  removeReaction(channel: string, ts: string, name: string): Promise<void>;
  /** files.uploadV2: getUploadURLExternal, the upload, completeUploadExternal into the thread. */
  uploadFile(file: {
    channel: string;
    threadTs: string;
    filename: string;
    title: string;
    /** Text (a CSV) or bytes (a PNG). */
    content: string | Buffer;
    comment?: string;
  }): Promise<void>;
  // biome-ignore lint/suspicious/noExplicitAny: a modal view is Block Kit JSON, see SlackMessage.blocks.
  openModal(triggerId: string, view: any): Promise<void>;
  /**
   * users.info: the name Slack shows for a user (display name, else real name, else the
   * username), or undefined when the profile has none. Needs the `users:read` scope. A 429 is
   * thrown at once, not waited out: a name is never worth holding a question for.
   */
  userName(userId: string): Promise<string | undefined>;
}

export interface SlackOpsOptions {
  /** Times a rate-limited call is retried after waiting Slack's Retry-After. */
  rateLimitRetries?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Wraps the one WebClient the composition root built. The client must be made with
 * `rejectRateLimitedCalls: true`, so a 429 surfaces here instead of pausing every call.
 */
export function createSlackOps(
  client: WebClient,
  logger: Logger,
  options: SlackOpsOptions = {},
): SlackOps {
  const retries = options.rateLimitRetries ?? 3;
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  const call = async <T>(
    method: string,
    run: () => Promise<T>,
    retryRateLimits = true,
  ): Promise<T> => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await run();
      } catch (thrown) {
        const error: BotError = toBotError(thrown);
        if (retryRateLimits && error.code === 'SLACK_RATE_LIMITED' && attempt < retries) {
          const wait = error.retryAfterMs ?? 1000;
          logger.info({ method, wait }, 'Slack rate limit: waiting before retrying');
          await sleep(wait);
          continue;
        }
        throw new BotError(error.code, `${method}: ${error.message}`, {
          cause: error.cause ?? thrown,
          context: { ...error.context, method },
        });
      }
    }
  };

  return {
    async postMessage(channel, message, threadTs) {
      const response = await call('chat.postMessage', () =>
        client.chat.postMessage({
          channel,
          text: message.text,
          ...(message.blocks ? { blocks: message.blocks } : {}),
          ...(threadTs ? { thread_ts: threadTs } : {}),
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
      if (typeof response.ts !== 'string')
        throw toBotError(new Error('chat.postMessage returned no ts'));
      return response.ts;
    },
    async updateMessage(channel, ts, message) {
      await call(
        'chat.update',
        () => client.chat.update({ channel, ts, text: message.text, blocks: message.blocks ?? [] }),
        false,
      );
    },
    async postEphemeral(channel, user, text, threadTs) {
      await call('chat.postEphemeral', () =>
        client.chat.postEphemeral({
          channel,
          user,
          text,
          ...(threadTs ? { thread_ts: threadTs } : {}),
        }),
      );
    },
    async addReaction(channel, ts, name) {
      await call('reactions.add', () => client.reactions.add({ channel, timestamp: ts, name }));
    },
    async removeReaction(channel, ts, name) {
      await call('reactions.remove', () =>
        client.reactions.remove({ channel, timestamp: ts, name }),
      );
    },
    async uploadFile(file) {
      await call('files.uploadV2', () =>
        client.filesUploadV2({
          channel_id: file.channel,
          thread_ts: file.threadTs,
          filename: file.filename,
          title: file.title,
          ...(typeof file.content === 'string'
            ? { content: file.content }
            : { file: file.content }),
          ...(file.comment ? { initial_comment: file.comment } : {}),
        }),
      );
    },
    async openModal(triggerId, view) {
      await call('views.open', () => client.views.open({ trigger_id: triggerId, view }));
    },
    async userName(userId) {
      const { user } = await call('users.info', () => client.users.info({ user: userId }), false);
      // Slack sends "" for a display name the user never set.
      return [user?.profile?.display_name, user?.real_name, user?.profile?.real_name, user?.name]
        .map((name) => name?.trim())
        .find((name): name is string => Boolean(name));
    },
  };
}
