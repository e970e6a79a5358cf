import type { Answerer } from '../answer/answerQuestion.js';
import type { CsvDelivery } from '../answer/csvDelivery.js';
import type { FollowedThreads } from '../answer/followedThreads.js';
import type { Logger } from '../logger.js';
import type { RecentSet } from '../memory.js';
import type { QuarryHttp } from '../quarry/quarryHttp.js';
import type { SlackOps } from '../slack/slackOps.js';

/** What every listener may use, built once by the composition root. */
export interface ListenerDeps {
  answerer: Answerer;
  csv: CsvDelivery;
  quarry: QuarryHttp;
  slack: SlackOps;
  /** Threads the bot answers in: replies there are follow-ups without a mention. */
  threads: FollowedThreads;
  /**
   * Questions (channel:ts) already taken: a mention in a followed thread arrives both as
   * `app_mention` and as `message`, and must be answered once.
   */
  questions: RecentSet;
  botUserId: string;
  logger: Logger;
}
