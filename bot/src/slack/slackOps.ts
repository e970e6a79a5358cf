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
 * The Slack Web API calls the bot makes, each turning failures into BotErrors. Slack limits
 * each method per workspace, so a 429 pauses that method for every caller in the process until
 * its `Retry-After` has passed: calls made meanwhile wait instead of earning 429s of their own.
 * Every call but `updateMessage` and `userName` then tries again a few times; updates are
 * throttled and retried by their coalescer, which knows whether a newer update replaced them.
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
  /**
   * files.uploadV2 shared nowhere: the image stays private to the bot, which can show it in its
   * own messages with an image block (`slack_file: {id}`). Resolves to the file's id.
   */
  uploadImage(image: {
    filename: string;
    title: string;
    altText: string;
    content: Buffer;
  }): Promise<string>;
  // biome-ignore lint/suspicious/noExplicitAny: a modal view is Block Kit JSON, see SlackMessage.blocks.
  openModal(triggerId: string, view: any): Promise<void>;
  /**
   * users.info: the name Slack shows for a user (display name, else real name, else the
   * username), or undefined when the profile has none. Needs the `users:read` scope. A 429 is
   * thrown at once, not waited out: a name is never worth holding a question for.
   */
  userName(userId: string): Promise<string | undefined>;
}

/** What became of one Web API call, for `/metrics`. */
export type SlackCallOutcome = 'ok' | 'error' | 'rate_limited';

export interface SlackOpsOptions {
  /** Times a rate-limited call is retried after waiting Slack's Retry-After. */
  rateLimitRetries?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Told about every Web API call (each attempt) and how it ended. */
  onCall?: (method: string, outcome: SlackCallOutcome) => void;
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
  const now = options.now ?? Date.now;
  /** Per method: until when Slack asked every caller to wait. */
  const pausedUntil = new Map<string, number>();

  const waitForMethod = async (method: string) => {
    for (;;) {
      const wait = (pausedUntil.get(method) ?? 0) - now();
      if (wait <= 0) return;
      await sleep(wait);
    }
  };

  /**
   * `retry`: wait out this call's own 429 and try again; `wait`: wait while the method is paused
   * (false: fail at once, for calls never worth holding a question for).
   */
  const call = async <T>(
    method: string,
    run: () => Promise<T>,
    { retry = true, wait = true }: { retry?: boolean; wait?: boolean } = {},
  ): Promise<T> => {
    for (let attempt = 0; ; attempt += 1) {
      const paused = (pausedUntil.get(method) ?? 0) - now();
      if (!wait && paused > 0) {
        throw new BotError('SLACK_RATE_LIMITED', `${method}: paused by Slack's rate limit`, {
          context: { retryAfterMs: paused, method },
        });
      }
      await waitForMethod(method);
      try {
        const result = await run();
        options.onCall?.(method, 'ok');
        return result;
      } catch (thrown) {
        const error: BotError = toBotError(thrown);
        const limited = error.code === 'SLACK_RATE_LIMITED';
        options.onCall?.(method, limited ? 'rate_limited' : 'error');
        if (limited) {
          const until = now() + (error.retryAfterMs ?? 1000);
          if (until > (pausedUntil.get(method) ?? 0)) {
            pausedUntil.set(method, until);
            logger.info(
              { method, wait: until - now() },
              'Slack rate limit: pausing this method for every caller',
            );
          }
        }
        if (retry && limited && attempt < retries) continue;
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
        { retry: false },
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
    async uploadImage(image) {
      const response = await call('files.uploadV2', () =>
        client.filesUploadV2({
          filename: image.filename,
          title: image.title,
          alt_text: image.altText,
          file: image.content,
        }),
      );
      // One completeUploadExternal answer per destination; with none, one holding the file.
      const completed = (response as { files?: { files?: { id?: string }[] }[] }).files;
      const id = completed?.[0]?.files?.[0]?.id;
      if (typeof id !== 'string') throw toBotError(new Error('files.uploadV2 returned no file id'));
      return id;
    },
    async openModal(triggerId, view) {
      await call('views.open', () => client.views.open({ trigger_id: triggerId, view }));
    },
    async userName(userId) {
      const { user } = await call('users.info', () => client.users.info({ user: userId }), {
        retry: false,
        wait: false,
      });
      // Slack sends "" for a display name the user never set.
      return [user?.profile?.display_name, user?.real_name, user?.profile?.real_name, user?.name]
        .map((name) => name?.trim())
        .find((name): name is string => Boolean(name));
    },
  };
}
