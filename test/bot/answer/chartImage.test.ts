import { existsSync } from 'node:fs';
import type { ResultRow } from '@quarry/shared';
import { describe, expect, it } from 'vitest';
import {
  drawsChinese,
  renderChartPng,
  renderChartSvg,
} from '../../../bot/src/answer/chartImage.js';
import { textWidth } from '../../../bot/src/answer/chartText.js';
import { buildChartSpec, planChart } from '../../../server/src/pipeline/answer/chart.js';
import { profileColumns } from '../../../server/src/pipeline/answer/resultProfile.js';

interface SvgText {
  text: string;
  /** Absolute position of the anchor, summing every enclosing group's translate. */
  x: number;
  y: number;
  anchor: string;
  fontSize: number;
}

const translateOf = (attributes: string): [number, number] => {
  const match = /transform="translate\(([-\d.e]+),([-\d.e]+)\)"/.exec(attributes);
  return match ? [Number(match[1]), Number(match[2])] : [0, 0];
};

/** Every <text> of a Vega SVG with where it is drawn. */
function svgTexts(svg: string): { width: number; texts: SvgText[] } {
  const width = Number(/<svg[^>]* width="([\d.]+)"/.exec(svg)?.[1]);
  const stack: [number, number][] = [[0, 0]];
  const texts: SvgText[] = [];
  let open: SvgText | undefined;
  for (const match of svg.matchAll(/<(\/?)(\w+)([^>]*?)(\/?)>|([^<]+)/g)) {
    const [, closing, tag, attributes = '', selfClosing, content] = match;
    const [dx, dy] = stack.at(-1) ?? [0, 0];
    if (content !== undefined) {
      if (open) open.text += content;
    } else if (tag === 'g' && !closing && !selfClosing) {
      const [x, y] = translateOf(attributes);
      stack.push([dx + x, dy + y]);
    } else if (tag === 'g' && closing) {
      stack.pop();
    } else if (tag === 'text' && !closing) {
      const [x, y] = translateOf(attributes);
      open = {
        text: '',
        x: dx + x,
        y: dy + y,
        anchor: /text-anchor="(\w+)"/.exec(attributes)?.[1] ?? 'start',
        fontSize: Number(/font-size="([\d.]+)px"/.exec(attributes)?.[1] ?? 11),
      };
    } else if (tag === 'text' && closing && open) {
      texts.push(open);
      open = undefined;
    }
  }
  return { width, texts };
}

/** The server's own spec for a category/measure result. */
function barSpec(rows: ResultRow[], question: string) {
  const profiles = profileColumns(Object.keys(rows[0] ?? {}), rows);
  const plan = planChart(profiles, rows.length);
  expect(plan.kinds[0]).toBe('bar');
  return buildChartSpec('bar', profiles, rows, question);
}

/** Where Debian's fonts-noto-cjk (npm run setup) puts the Sans face. */
const NOTO_CJK = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';

/** A Chinese character is a full em wide in every CJK font. */
const drawnWidth = (label: SvgText) => Array.from(label.text).length * label.fontSize;

describe('the chart PNG with Chinese labels', () => {
  it('measures Chinese characters a full em wide and ASCII narrower, bold wider, within a limit', () => {
    expect(textWidth({ fontSize: 10 }, '研发中心')).toBe(40);
    expect(textWidth({ fontSize: 10 }, '（华东）')).toBe(40);
    const latin = textWidth({ fontSize: 10 }, 'Sales');
    expect(latin).toBeGreaterThan(25);
    expect(latin).toBeLessThan(40);
    expect(textWidth({ fontSize: 10, fontWeight: 'bold' }, 'Sales')).toBeGreaterThan(latin);
    expect(textWidth({ fontSize: 10, limit: 30 }, '研发中心')).toBe(30);
  });

  it('draws every Chinese category label whole, inside the picture', async () => {
    const departments = [
      '华东区域销售与市场拓展部',
      '研发中心',
      '人力资源与行政管理部',
      '财务部',
      '客户成功与技术支持中心',
    ];
    const rows = departments.map((部门, index) => ({ 部门, 销售额: 1000 + index * 250 }));
    const svg = await renderChartSvg(barSpec(rows, '各部门的销售额是多少？'));
    const { width, texts } = svgTexts(svg);
    for (const department of departments) {
      const label = texts.find((text) => text.text === department);
      expect(label, `${department} drawn whole`).toBeDefined();
      if (!label) continue;
      // Right-aligned against the axis: the label's left end must not leave the picture.
      expect(label.anchor).toBe('end');
      expect(label.x - drawnWidth(label), department).toBeGreaterThanOrEqual(0);
      expect(label.x).toBeLessThanOrEqual(width);
    }
    expect(texts.some((text) => text.text.includes('…'))).toBe(false);
  });

  it('cuts a label too long for the axis with an ellipsis that still fits', async () => {
    const long = '华东区域销售与市场拓展及渠道合作伙伴管理委员会下属二级事业部';
    const rows = [
      { 部门: long, 销售额: 1200 },
      { 部门: '研发中心', 销售额: 900 },
    ];
    const { texts } = svgTexts(await renderChartSvg(barSpec(rows, '各部门的销售额')));
    const cut = texts.find((text) => text.text.endsWith('…'));
    expect(cut?.text.slice(0, -1)).toBe(long.slice(0, (cut?.text.length ?? 1) - 1));
    if (cut) expect(cut.x - drawnWidth(cut)).toBeGreaterThanOrEqual(0);
  });

  it('still renders a real PNG', async () => {
    const rows = [
      { 部门: '研发中心', 人数: 42 },
      { 部门: '市场部', 人数: 17 },
    ];
    const png = await renderChartPng(barSpec(rows, '各部门人数'));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(1200);
  });

  it('tells a machine whose fonts draw Chinese from one that would draw empty boxes', () => {
    // DejaVu has no Han glyphs: 中 comes out as the same box as a code point no font has.
    expect(
      drawsChinese({
        loadSystemFonts: false,
        fontFiles: ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'],
      }),
    ).toBe(false);
    expect(drawsChinese({ loadSystemFonts: false, fontFiles: [] })).toBe(false);
  });

  it.skipIf(!existsSync(NOTO_CJK))(
    `finds Chinese glyphs in Noto Sans CJK${existsSync(NOTO_CJK) ? '' : ` (NOT RUN: no ${NOTO_CJK}; npm run setup installs it)`}`,
    () => {
      expect(drawsChinese({ loadSystemFonts: false, fontFiles: [NOTO_CJK] })).toBe(true);
    },
  );
});
