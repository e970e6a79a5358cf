import type { ResultRow } from '@quarry/shared';
import { toBotError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RecentMap } from '../memory.js';
import type { QuarryHttp } from '../quarry/quarryHttp.js';
import type { SlackOps } from '../slack/slackOps.js';
import { buildCsv, csvFileName } from './csv.js';
import { detectLanguage, type Language } from './language.js';
import { messagesFor } from './messages.js';

/** A finished answer's rows, kept a while so its CSV button works without asking the server. */
export interface KeptResult {
  columns: string[];
  rows: ResultRow[];
  language: Language;
}

export interface CsvDelivery {
  /** Uploads the rows as a CSV file into the thread; says so in the thread if Slack refuses. */
  upload(
    target: { channel: string; threadTs: string; askId: string | null },
    result: KeptResult,
  ): Promise<void>;
  /**
   * The CSV button: the kept rows, else the server's copy, else an ephemeral note to the user
   * that the result is gone.
   */
  uploadOnRequest(request: {
    channel: string;
    threadTs: string;
    askId: string;
    userId: string;
    /** The answer's language, for the notice when its rows are gone. */
    language: Language;
  }): Promise<void>;
}

export function createCsvDelivery(deps: {
  slack: SlackOps;
  quarry: QuarryHttp;
  results: RecentMap<KeptResult>;
  logger: Logger;
  now?: () => Date;
}): CsvDelivery {
  const now = deps.now ?? (() => new Date());

  const upload: CsvDelivery['upload'] = async (target, result) => {
    const m = messagesFor(result.language);
    try {
      await deps.slack.uploadFile({
        channel: target.channel,
        threadTs: target.threadTs,
        filename: csvFileName(target.askId, now()),
        title: m.csvTitle,
        content: buildCsv(result.columns, result.rows),
        comment: m.csvAttached,
      });
    } catch (thrown) {
      deps.logger.warn({ err: toBotError(thrown), askId: target.askId }, 'CSV upload failed');
      await deps.slack
        .postMessage(target.channel, { text: m.csvFailed }, target.threadTs)
        .catch((error: unknown) =>
          deps.logger.warn({ err: toBotError(error) }, 'could not report the CSV failure'),
        );
    }
  };

  return {
    upload,
    async uploadOnRequest(request) {
      let result = deps.results.get(request.askId);
      if (result === undefined) {
        const stored = await deps.quarry.fetchResult(request.askId).catch((error: unknown) => {
          deps.logger.info(
            { err: toBotError(error), askId: request.askId },
            'no stored result for the CSV',
          );
          return undefined;
        });
        if (stored)
          result = {
            columns: stored.columns,
            rows: stored.rows,
            language: detectLanguage(stored.question),
          };
      }
      if (result === undefined) {
        await deps.slack.postEphemeral(
          request.channel,
          request.userId,
          messagesFor(request.language).csvUnavailable,
          request.threadTs,
        );
        return;
      }
      await upload(
        { channel: request.channel, threadTs: request.threadTs, askId: request.askId },
        result,
      );
    },
  };
}
