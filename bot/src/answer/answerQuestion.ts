import { isTransientSlackFailure, toBotError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RecentMap } from '../memory.js';
import type { AskLink } from '../quarry/askLink.js';
import type { SlackOps } from '../slack/slackOps.js';
import {
  type Clock,
  createUpdateCoalescer,
  type SendBudget,
  systemClock,
} from '../slack/updateCoalescer.js';
import type { UserNames } from '../slack/userNames.js';
import {
  type AnswerState,
  applyBotError,
  applyChartImage,
  applyConnectRetry,
  applyFrame,
  initialAnswerState,
} from './answerState.js';
import type { ChartDelivery, PreparedChart } from './chartDelivery.js';
import type { CsvDelivery, KeptResult } from './csvDelivery.js';
import { type FollowedThreads, threadIdOf } from './followedThreads.js';
import type { StatusReactions } from './reactions.js';
import { renderAnswer } from './render.js';
import { cut, escapeMrkdwn } from './text.js';

/** One question, wherever it was asked. */
export interface Question {
  channel: string;
  /** The thread the answer goes into; also the conversation's identity for follow-ups. */
  threadTs: string;
  /** The user's own message, when there is one to put status reactions on. */
  messageTs?: string;
  text: string;
  userId: string;
  /** Asked by a button (a follow-up): no message of the user's shows the question, so the answer does. */
  fromButton?: boolean;
}

export interface Answerer {
  /** Answers in the thread; never throws (every failure ends up in the thread message or the log). */
  answer(question: Question): Promise<void>;
}

export interface AnswererDeps {
  slack: SlackOps;
  link: AskLink;
  reactions: StatusReactions;
  csv: CsvDelivery;
  charts: ChartDelivery;
  /** Threads the bot answers in, so replies there need no new mention. */
  threads: Pick<FollowedThreads, 'remember'>;
  results: RecentMap<KeptResult>;
  /** Askers' names for the ask history, beside their ids. */
  userNames: UserNames;
  logger: Logger;
  /** Least time between two updates of one message. */
  updateIntervalMs: number;
  /** The workspace's update budget, shared by every answer. */
  updateBudget?: SendBudget;
  clock?: Clock;
}

/** Slack's refusals of a message's blocks, after which the table goes in a monospace section. */
const BLOCK_REFUSALS = new Set(['invalid_blocks', 'invalid_blocks_format', 'msg_blocks_too_long']);
const MAX_RATE_LIMIT_RETRIES = 6;
const MAX_TRANSIENT_RETRIES = 3;

/**
 * Answers questions with one thread reply each, kept alive while the server works: posted at
 * once, then updated through a per-message coalescer as frames arrive, ending with the answer,
 * its chart (a PNG uploaded while the rest streams, shown in the message), a CSV upload when
 * the rows do not all fit, and the status reaction.
 */
export function createAnswerer(deps: AnswererDeps): Answerer {
  const clock = deps.clock ?? systemClock;

  return {
    async answer(question) {
      const log = deps.logger.child({ channel: question.channel, thread: question.threadTs });
      // Looked up while the first message is posted; bounded in time, and never a failure.
      const askerName = deps.userNames.nameOf(question.userId);
      let state = initialAnswerState(question.text, question.fromButton ? question.userId : null);
      let tableBlock = true;
      let imageBlock = true;
      /** Whether the last update sent carried the chart's image block. */
      let sentImage = false;
      let ts: string;
      try {
        ts = await deps.slack.postMessage(
          question.channel,
          renderAnswer(state, { tableBlock }),
          question.threadTs,
        );
      } catch (error) {
        log.error({ err: toBotError(error) }, 'could not post the answer message');
        return;
      }
      deps.threads.remember(question.channel, question.threadTs, question.userId);
      const reaction = question.messageTs
        ? deps.reactions.start(question.channel, question.messageTs)
        : undefined;

      let delivered: { state: AnswerState; shownRows: number } = { state, shownRows: 0 };
      const updates = createUpdateCoalescer<AnswerState>({
        clock,
        minIntervalMs: deps.updateIntervalMs,
        lastSentAt: clock.now(),
        ...(deps.updateBudget ? { budget: deps.updateBudget } : {}),
        send: async (next) => {
          const rendered = renderAnswer(next, { tableBlock, imageBlock });
          sentImage = rendered.blocks.some((block) => block.type === 'image');
          await deps.slack.updateMessage(question.channel, ts, rendered);
          delivered = { state: next, shownRows: rendered.shownRows };
        },
        retryDelay: (thrown, failures) => {
          const error = toBotError(thrown);
          if (error.code === 'SLACK_RATE_LIMITED') {
            return failures <= MAX_RATE_LIMIT_RETRIES ? (error.retryAfterMs ?? 1000) : undefined;
          }
          // A file Slack has not finished processing can fail an image block: the picture
          // then goes into the thread, and the table block keeps its chance.
          if (imageBlock && sentImage && BLOCK_REFUSALS.has(error.slackError ?? '')) {
            log.info(
              { slackError: error.slackError },
              'Slack refused the chart in the message; it goes into the thread',
            );
            imageBlock = false;
            return 0;
          }
          if (tableBlock && BLOCK_REFUSALS.has(error.slackError ?? '')) {
            log.info(
              { slackError: error.slackError },
              'Slack refused the table block; using the monospace table',
            );
            tableBlock = false;
            return 0;
          }
          if (isTransientSlackFailure(error) && failures <= MAX_TRANSIENT_RETRIES)
            return 500 * 2 ** failures;
          return undefined;
        },
        onGiveUp: (error) =>
          log.warn({ err: toBotError(error) }, 'gave up an update of the answer message'),
      });

      /** The chart's PNG, drawn and uploaded while the rest of the answer streams. */
      let chart: Promise<PreparedChart | undefined> | undefined;
      const prepareChart = () => {
        if (chart !== undefined || state.chart === null) return;
        chart = deps.charts
          .prepare({ askId: state.askId }, state.chart, question.text, state.language)
          .then((prepared) => {
            if (prepared) {
              state = applyChartImage(state, prepared);
              updates.push(state);
            }
            return prepared;
          });
      };

      const userName = await askerName;
      try {
        await deps.link.ask(
          {
            query: question.text,
            thread_id: threadIdOf(question.channel, question.threadTs),
            source: 'slack',
            // The id stays the asker's key (per-user limits); the name is for people to read.
            user: question.userId,
            ...(userName ? { user_name: userName } : {}),
          },
          {
            onFrame: (frame) => {
              state = applyFrame(state, frame);
              updates.push(state);
              prepareChart();
            },
            onConnectRetry: (failures) => {
              state = applyConnectRetry(state, failures);
              updates.push(state);
            },
          },
        );
      } catch (thrown) {
        const error = toBotError(thrown);
        log.warn({ err: error }, 'the ask ended on the bot side');
        state = applyBotError(state, error);
      }
      // The message's last update carries the chart, so it waits for the upload.
      const prepared = await chart;
      updates.push(state);
      await updates.settled();
      updates.close();
      if (delivered.state !== state) {
        // Still one update per interval, even for the last resort.
        await new Promise<void>((resolve) => clock.setTimeout(resolve, deps.updateIntervalMs));
        await lastResort(deps.slack, question.channel, ts, state, log);
      }

      const outcome = state.outcome;
      if (outcome?.kind === 'result' && state.askId !== null) {
        const kept: KeptResult = {
          columns: outcome.result.columns,
          rows: outcome.result.rows,
          language: state.language,
        };
        deps.results.set(state.askId, kept);
        // Slack would not show the chart in the message: it follows as a file in the thread.
        const chartShown = delivered.state === state && imageBlock;
        if (prepared && !chartShown) {
          await deps.charts.uploadToThread(
            { channel: question.channel, threadTs: question.threadTs, askId: state.askId },
            prepared,
            state.language,
          );
        }
        const shown = delivered.state === state ? delivered.shownRows : 0;
        if (shown < outcome.result.rows.length) {
          await deps.csv.upload(
            { channel: question.channel, threadTs: question.threadTs, askId: state.askId },
            kept,
          );
        }
      }
      await reaction?.finish(outcome !== null && outcome.kind !== 'error');
    },
  };
}

/**
 * The final state could not be delivered with its blocks (Slack kept refusing them): the
 * message must not stay on "Running the query…", so it gets the plain text of the answer.
 */
async function lastResort(
  slack: SlackOps,
  channel: string,
  ts: string,
  state: AnswerState,
  log: Logger,
): Promise<void> {
  const { text } = renderAnswer(state, { tableBlock: false });
  await slack
    .updateMessage(channel, ts, {
      text,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: cut(escapeMrkdwn(text), 2900) } }],
    })
    .catch((error: unknown) =>
      log.error({ err: toBotError(error) }, 'could not deliver the final answer'),
    );
}
