import type { VegaLiteSpec } from '@quarry/shared';
import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Width of the PNG in pixels: twice the chart's own width, so it stays sharp on a Retina screen. */
const PNG_WIDTH = 1200;
/** Fonts tried in order; Noto CJK draws Chinese labels where it is installed. */
const FONT_FAMILY = 'Noto Sans CJK SC, Noto Sans, DejaVu Sans, Liberation Sans, sans-serif';

/**
 * A chart spec as a PNG, drawn in this process: Vega-Lite compiles it, Vega renders it to SVG
 * headless (no canvas, no browser), and resvg (its binary ships in the npm package) turns the
 * SVG into pixels with the machine's fonts. Throws when the spec cannot be drawn.
 */
export async function renderChartPng(spec: VegaLiteSpec): Promise<Buffer> {
  const { spec: vegaSpec } = compile({
    ...spec,
    config: { font: FONT_FAMILY },
  } as unknown as TopLevelSpec);
  const view = new View(parse(vegaSpec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const png = new Resvg(svg, {
      background: 'white',
      fitTo: { mode: 'width', value: PNG_WIDTH },
      font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    }).render();
    return png.asPng();
  } finally {
    view.finalize();
  }
}
