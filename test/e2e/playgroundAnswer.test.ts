import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeByPrompt } from '../fakes/openaiServer.js';
import { ADMIN_TOKEN } from '../support/adminToken.js';
import { startTestQuarry, type TestQuarry } from '../support/quarry.js';
import {
  browserSuiteSkipReason,
  buildConsole,
  LAPTOP,
  launchChromium,
  screenshot,
  watchForErrors,
} from './browser.js';

const MONTHLY =
  "SELECT strftime('%Y-%m', sale_date) AS month, SUM(amount) AS sales FROM sales GROUP BY month ORDER BY month";
const BY_REGION =
  'SELECT region, SUM(amount) AS sales FROM sales GROUP BY region ORDER BY sales DESC';
const ALL_SALES = 'SELECT id, order_no, customer, amount, sale_date FROM sales ORDER BY id';
const ANSWER = 'Sales climbed through the year.';
const FOLLOW_UPS = ['Which region sold most?', 'Who sold most in March?', 'How did 2024 compare?'];

const skipReason = browserSuiteSkipReason();
const SUITE = `the playground: an answer, a chart, next questions${skipReason ? ` (NOT RUN: ${skipReason})` : ''}`;

describe.skipIf(skipReason !== undefined)(SUITE, () => {
  let quarry: TestQuarry;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const url = (path: string) => `${quarry.baseUrl}/admin${path}`;
  /** The model: SQL by question, then the answer and the follow-ups in one reply. */
  const model = (sqlFor: (question: string) => string, answer = ANSWER) =>
    quarry.fake.onChat(
      routeByPrompt([
        [/TASK: SQL GENERATION/, (request) => `\`\`\`sql\n${sqlFor(request.lastUser)}\n\`\`\``],
        [
          /TASK: ANSWER FROM THE QUERY RESULT/,
          `${answer}\n<<<JSON>>>\n${JSON.stringify({ follow_ups: FOLLOW_UPS })}`,
        ],
      ]),
    );

  beforeAll(async () => {
    await buildConsole();
    quarry = await startTestQuarry({
      ASK_ANSWER: 'true',
      ASK_CHART: 'true',
      ASK_FOLLOW_UPS: 'true',
    });
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: LAPTOP,
      locale: 'en-US',
      acceptDownloads: true,
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    errors = watchForErrors(page);
    await page.goto(url('/'));
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Playground' }).waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await quarry?.close();
  });

  it('offers example questions for the data source, and asks one on a click', async () => {
    const examples = page.getByRole('region', { name: 'Try one of these' }).getByRole('button');
    await examples.first().waitFor();
    expect(await examples.count()).toBe(4);
    const first = (await examples.first().textContent()) ?? '';
    // The demo's tables suggest questions about them.
    expect(first).toMatch(/departments|employees|projects|sales|expenses|timesheets/);
    await screenshot(page, '20-playground-examples');
    model(() => MONTHLY);
    await examples.first().click();
    await expect.poll(() => page.getByLabel('Question').inputValue()).toBe(first);
    await page.getByTestId('answer').getByText(ANSWER).waitFor();
    const generation = quarry.fake.chatRequests.find((r) => r.system.includes('SQL GENERATION'));
    expect(generation?.lastUser).toContain(first);
  });

  it('leads with the answer, draws the chart, switches to the table with formatted numbers', async () => {
    // The chart is drawn by vega-embed: a line in an SVG.
    const chart = page.getByTestId('chart');
    await chart.locator('svg .mark-line path').first().waitFor();
    expect(await page.getByRole('tab', { name: 'Chart' }).getAttribute('aria-selected')).toBe(
      'true',
    );
    await screenshot(page, '21-playground-answer-chart');
    await page.getByRole('tab', { name: 'Table' }).click();
    const rows = page.getByRole('region', { name: 'Result rows' });
    await rows.getByRole('columnheader', { name: 'sales' }).waitFor();
    const cells = rows.locator('tbody tr').first().getByRole('cell');
    expect(await cells.nth(0).textContent()).toMatch(/^\d{4}-\d{2}$/);
    // Sales run to millions: read with separators.
    expect(await cells.nth(1).textContent()).toMatch(/^\d{1,3}(,\d{3})+(\.\d+)?$/);
  });

  it('copies the SQL and downloads the rows as CSV', async () => {
    await page.getByRole('button', { name: 'Copy SQL' }).click();
    await page.getByText('SQL copied.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(MONTHLY);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^quarry-[0-9a-f]{8}\.csv$/);
    const csv = await readFile((await download.path()) ?? '', 'utf8');
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('\uFEFFmonth,sales');
    expect(lines[1]).toMatch(/^\d{4}-\d{2},\d+(\.\d+)?$/);
  });

  it('records 👍 on the ask history', async () => {
    await page.getByRole('button', { name: 'Helpful', exact: true }).click();
    await page.getByText('Thanks, feedback saved.').waitFor();
    const history = (await (
      await fetch(`${quarry.baseUrl}/api/asks?rating=up`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
    ).json()) as { items: { question: string }[] };
    expect(history.items.map((item) => item.question)).toHaveLength(1);
  });

  it('runs a follow-up chip as the next question', async () => {
    model((question) => (question.includes(FOLLOW_UPS[0] as string) ? BY_REGION : MONTHLY));
    const chips = page.getByRole('list').filter({ hasText: FOLLOW_UPS[0] });
    await chips.getByRole('button', { name: FOLLOW_UPS[0] }).click();
    await expect.poll(() => page.getByLabel('Question').inputValue()).toBe(FOLLOW_UPS[0]);
    await page.getByTestId('chart').locator('svg .mark-rect path').first().waitFor();
    const asked = quarry.fake.chatRequests.filter((r) => r.system.includes('SQL GENERATION'));
    expect(asked.at(-1)?.lastUser).toContain(FOLLOW_UPS[0]);
    await screenshot(page, '22-playground-follow-up-bar');
  });

  it('pages a capped result and says there may be more', async () => {
    model(() => ALL_SALES, 'These are the sales on record.');
    await page.getByLabel('Question').fill('List every sale');
    await page.getByLabel('Question').press('Enter');
    const rows = page.getByRole('region', { name: 'Result rows' });
    await rows.getByRole('columnheader', { name: 'order_no' }).waitFor();
    await page.getByText('The first 1,000 rows; there may be more.', { exact: true }).waitFor();
    await page.getByTestId('answer').getByText('there may be more', { exact: false }).waitFor();
    expect(await rows.locator('tbody tr').count()).toBe(50);
    const firstId = await rows.locator('tbody tr').first().getByRole('cell').first().textContent();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('51–100 of 1000').waitFor();
    expect(await rows.locator('tbody tr').first().getByRole('cell').first().textContent()).not.toBe(
      firstId,
    );
    // The page stays a page long: 50 rows, not 1,000.
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(6000);
    await screenshot(page, '23-playground-capped-paged');
    expect(errors).toEqual([]);
  });

  it('shows the answer, the chart and the follow-ups in the ask history', async () => {
    const history = (await (
      await fetch(`${quarry.baseUrl}/api/asks?rating=up`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
    ).json()) as { items: { id: string }[] };
    const [rated] = history.items;
    await page.goto(url(`/asks/${rated?.id}`));
    const card = page.getByRole('region', { name: 'Answer' });
    await card.getByText(ANSWER).waitFor();
    // The monthly series it answered, drawn again from the spec the history kept.
    await card.getByTestId('chart').locator('svg .mark-line path').first().waitFor();
    for (const question of FOLLOW_UPS) await card.getByText(question).waitFor();
    await screenshot(page, '24-ask-detail-answer-chart');
    expect(errors).toEqual([]);
  });
});
