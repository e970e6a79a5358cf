import type { VegaLiteSpec } from '@quarry/shared';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { type TextItem, textWidth } from './chartText.js';

/** Width of the PNG in pixels: twice the chart's own width, so it stays sharp on a Retina screen. */
const PNG_WIDTH = 1200;
/**
 * Fonts tried in order: Noto CJK draws Chinese labels (the Docker image and `npm run setup`
 * install fonts-noto-cjk), DejaVu the rest where it is missing.
 */
const FONT_FAMILY = 'Noto Sans CJK SC, Noto Sans, DejaVu Sans, Liberation Sans, sans-serif';

/**
 * Vega lays text out with `textMetrics.width` (exported at runtime, not in its typings). Without
 * a canvas it guesses 0.8 em a character, so Chinese labels came out a fifth too narrow: cut
 * off at the PNG's edge. Measured per character instead, for every chart this process draws.
 */
const { textMetrics } = vega as unknown as {
  textMetrics: { width: (item: TextItem, text: unknown) => number };
};
textMetrics.width = textWidth;

/** A chart spec as SVG, laid out headless (no canvas, no browser) with CJK-aware text widths. */
export async function renderChartSvg(spec: VegaLiteSpec): Promise<string> {
  const { spec: vegaSpec } = compile({
    ...spec,
    config: { font: FONT_FAMILY },
  } as unknown as TopLevelSpec);
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Fonts resvg draws with: the machine's, unless a test narrows them down. */
export type ChartFonts =
  | { loadSystemFonts: true }
  | { loadSystemFonts: false; fontFiles: string[] };

/**
 * Whether these fonts draw Chinese: a Han character is drawn beside a code point no font has
 * (the fallback's empty box). The same pixels for both mean Chinese labels would be boxes.
 */
export function drawsChinese(fonts: ChartFonts = { loadSystemFonts: true }): boolean {
  const glyph = (x: number, char: string) =>
    `<text x="${x}" y="52" font-family="${FONT_FAMILY}" font-size="48">${char}</text>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="64">${glyph(4, '中')}${glyph(68, '&#x10FFFD;')}</svg>`;
  const image = new Resvg(svg, { font: { ...fonts, defaultFontFamily: 'DejaVu Sans' } }).render();
  const { pixels, width, height } = image;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width / 2; x += 1) {
      const left = (y * width + x) * 4 + 3;
      const right = (y * width + x + width / 2) * 4 + 3;
      if (pixels[left] !== pixels[right]) return true;
    }
  }
  return false;
}

/**
 * A chart spec as a PNG, drawn in this process: Vega-Lite compiles it, Vega renders it to SVG,
 * and resvg (its binary ships in the npm package) turns the SVG into pixels with the machine's
 * fonts. Throws when the spec cannot be drawn.
 */
export async function renderChartPng(spec: VegaLiteSpec): Promise<Buffer> {
  const svg = await renderChartSvg(spec);
  const png = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'width', value: PNG_WIDTH },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  }).render();
  return png.asPng();
}
