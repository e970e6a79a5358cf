import type { ChartKind, VegaLiteSpec } from '@quarry/shared';
import { toBotError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { SlackOps } from '../slack/slackOps.js';
import { renderChartPng } from './chartImage.js';
import type { Language } from './language.js';
import { messagesFor } from './messages.js';

export interface ChartDelivery {
  /**
   * Draws the chart as a PNG here and uploads it into the thread. Never throws: without its
   * picture the answer still has its sentence and its table, so a failure is only logged.
   */
  upload(
    target: { channel: string; threadTs: string; askId: string | null },
    chart: { kind: ChartKind; spec: VegaLiteSpec },
    language: Language,
  ): Promise<void>;
}

export function createChartDelivery(deps: {
  slack: SlackOps;
  logger: Logger;
  /** Spec → PNG bytes; the Vega + resvg renderer unless a test hands in another. */
  render?: (spec: VegaLiteSpec) => Promise<Buffer>;
}): ChartDelivery {
  const render = deps.render ?? renderChartPng;
  return {
    async upload(target, chart, language) {
      let png: Buffer;
      try {
        png = await render(chart.spec);
      } catch (error) {
        deps.logger.warn({ err: error, askId: target.askId }, 'could not draw the chart');
        return;
      }
      await deps.slack
        .uploadFile({
          channel: target.channel,
          threadTs: target.threadTs,
          filename: `quarry-${chart.kind}-${(target.askId ?? 'chart').slice(0, 8)}.png`,
          title: messagesFor(language).chartTitle,
          content: png,
        })
        .catch((error: unknown) =>
          deps.logger.warn({ err: toBotError(error), askId: target.askId }, 'chart upload failed'),
        );
    },
  };
}
