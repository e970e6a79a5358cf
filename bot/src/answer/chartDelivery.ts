import type { ChartKind, VegaLiteSpec } from '@quarry/shared';
import { toBotError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { SlackOps } from '../slack/slackOps.js';
import { drawsChinese, renderChartPng } from './chartImage.js';
import type { Language } from './language.js';
import { messagesFor } from './messages.js';
import { cut } from './text.js';

/** A chart drawn and uploaded, ready for the answer's image block. */
export interface PreparedChart {
  /** The Slack file id, private to the bot until a message shows it. */
  fileId: string;
  /** What a screen reader says instead of the picture. */
  altText: string;
  filename: string;
  png: Buffer;
}

export interface ChartDelivery {
  /**
   * Draws the chart as a PNG here and uploads it to Slack shared nowhere, so the answer message
   * shows it in an image block. Never throws: without its picture the answer still has its
   * sentence and its table, so a failure is logged and resolves to undefined.
   */
  prepare(
    target: { askId: string | null },
    chart: { kind: ChartKind; spec: VegaLiteSpec },
    question: string,
    language: Language,
  ): Promise<PreparedChart | undefined>;
  /**
   * The picture as a file in the thread, for when Slack would not show it in the answer message
   * (it refused the image block). Never throws either.
   */
  uploadToThread(
    target: { channel: string; threadTs: string; askId: string | null },
    chart: PreparedChart,
    language: Language,
  ): Promise<void>;
}

/** Slack's limit on an image block's alt text. */
const ALT_TEXT_MAX = 2000;

export function createChartDelivery(deps: {
  slack: SlackOps;
  logger: Logger;
  /** Spec → PNG bytes; the Vega + resvg renderer unless a test hands in another. */
  render?: (spec: VegaLiteSpec) => Promise<Buffer>;
  /** Whether the machine's fonts draw Chinese; asked once, at the first chart. */
  drawsChinese?: () => boolean;
}): ChartDelivery {
  const render = deps.render ?? renderChartPng;
  let fontsChecked = false;
  /** A machine without a CJK font draws Chinese labels as empty boxes: say so, once. */
  const checkFonts = () => {
    if (fontsChecked) return;
    fontsChecked = true;
    if (!(deps.drawsChinese ?? drawsChinese)()) {
      deps.logger.warn(
        'no font on this machine draws Chinese: chart images will show Chinese labels as empty boxes; install a CJK font such as fonts-noto-cjk',
      );
    }
  };
  return {
    async prepare(target, chart, question, language) {
      const m = messagesFor(language);
      checkFonts();
      let png: Buffer;
      try {
        png = await render(chart.spec);
      } catch (error) {
        deps.logger.warn({ err: error, askId: target.askId }, 'could not draw the chart');
        return undefined;
      }
      const filename = `quarry-${chart.kind}-${(target.askId ?? 'chart').slice(0, 8)}.png`;
      const altText = cut(m.chartAlt(chart.kind, question), ALT_TEXT_MAX);
      try {
        const fileId = await deps.slack.uploadImage({
          filename,
          title: m.chartTitle,
          altText,
          content: png,
        });
        return { fileId, altText, filename, png };
      } catch (error) {
        deps.logger.warn({ err: toBotError(error), askId: target.askId }, 'chart upload failed');
        return undefined;
      }
    },
    async uploadToThread(target, chart, language) {
      await deps.slack
        .uploadFile({
          channel: target.channel,
          threadTs: target.threadTs,
          filename: chart.filename,
          title: messagesFor(language).chartTitle,
          content: chart.png,
        })
        .catch((error: unknown) =>
          deps.logger.warn({ err: toBotError(error), askId: target.askId }, 'chart upload failed'),
        );
    },
  };
}
