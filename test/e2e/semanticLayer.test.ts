import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

// Outside CI a machine without Chromium skips these suites and says why in their names.
const skipReason = browserSuiteSkipReason();
const NOT_RUN = skipReason ? ` (NOT RUN: ${skipReason})` : '';
const describeInBrowser = describe.skipIf(skipReason !== undefined);

describeInBrowser(`the semantic layer pages in Chromium against the real server${NOT_RUN}`, () => {
  let quarry: TestQuarry;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    await buildConsole();
    quarry = await startTestQuarry();
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: LAPTOP, locale: 'en-US' });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    errors = watchForErrors(page);
    await page.goto(`${quarry.baseUrl}/admin/login`);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Playground' }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await quarry?.close();
  });

  const api = async (path: string) =>
    (await (
      await fetch(`${quarry.baseUrl}/api/datasources/default/${path}`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
    ).json()) as { items: Record<string, unknown>[] };

  it('opens beside the schema and lists the demo’s relationships, fields and metrics', async () => {
    await page.goto(`${quarry.baseUrl}/admin/datasources/default`);
    await page.getByRole('link', { name: 'Semantic layer' }).click();
    await page.getByRole('heading', { name: 'Semantic layer of default' }).waitFor();
    const relationships = page.getByRole('list', { name: 'Relationships' });
    await expect
      .poll(() => relationships.getByRole('listitem').count())
      .toBe((await api('relationships?page_size=500')).items.length);
    await relationships.getByText('departments(manager_id) → employees(id)').waitFor();
    const metrics = page.getByRole('list', { name: 'Metrics' });
    await metrics.getByText('monthly_sales_by_region', { exact: true }).waitFor();
    expect(await metrics.locator(':scope > li').count()).toBe(2);
    await screenshot(page, 'semantic-layer');
    expect(errors).toEqual([]);
  });

  it('previews a metric, refuses a write with the problem named, and saves a good one', async () => {
    await page.getByRole('button', { name: 'New metric' }).click();
    const dialog = page.getByRole('dialog', { name: 'New metric' });
    await dialog.getByLabel('Name').fill('wipe_sales');
    await dialog.getByLabel('Description').fill('not a read');
    await dialog.getByLabel('SQL').fill('DELETE FROM sales');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => dialog.locator('.field-error').first().textContent())
      .toContain("A metric's SQL must be one read-only SELECT");

    await dialog.getByLabel('Name').fill('orders_by_region');
    await dialog.getByLabel('Description').fill('订单数按大区 Orders by region');
    await dialog
      .getByLabel('SQL')
      .fill('SELECT region, COUNT(*) AS orders FROM sales GROUP BY region ORDER BY region');
    await dialog.getByRole('button', { name: 'Run' }).click();
    const rows = dialog.getByRole('region', { name: 'Preview rows' });
    await rows.waitFor();
    await expect.poll(() => rows.locator('tbody tr').count()).toBe(7);
    await screenshot(page, 'semantic-layer-metric-preview');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page
      .getByRole('list', { name: 'Metrics' })
      .getByText('orders_by_region', { exact: true })
      .waitFor();
    const stored = (await api('metrics')).items.find((m) => m.name === 'orders_by_region');
    expect(stored?.columns).toEqual([
      { name: 'region', type: 'TEXT' },
      { name: 'orders', type: 'INTEGER' },
    ]);
    expect(errors).toEqual([]);
  });

  it('previews and saves a calculated field', async () => {
    await page.getByRole('button', { name: 'New calculated field' }).click();
    const dialog = page.getByRole('dialog', { name: 'New calculated field' });
    await dialog.getByLabel('Table').selectOption('employees');
    await dialog.getByLabel('Name').fill('daily_salary');
    await dialog.getByLabel('Expression').fill('ROUND(salary / 21.75, 2)');
    await dialog.getByLabel('Description').fill('日薪（元）Daily salary');
    await dialog.getByRole('button', { name: 'Run' }).click();
    const rows = dialog.getByRole('region', { name: 'Preview rows' });
    await rows.getByRole('columnheader', { name: 'daily_salary' }).waitFor();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page
      .getByRole('list', { name: 'Calculated fields' })
      .getByText('employees.daily_salary')
      .waitFor();
    expect(errors).toEqual([]);
  });

  it('in Chinese, says why a definition is refused in Chinese, not in English', async () => {
    await page.getByLabel('Language').selectOption('zh');
    await page.getByRole('heading', { name: 'default 的语义层' }).waitFor();
    await page.getByRole('button', { name: '新建指标' }).click();
    const dialog = page.getByRole('dialog', { name: '新建指标' });
    await dialog.getByLabel('名称').fill('sales');
    await dialog.getByLabel('描述').fill('与表同名');
    await dialog.getByLabel('SQL').fill('SELECT region FROM sales');
    await dialog.getByRole('button', { name: '保存' }).click();
    await expect
      .poll(() => dialog.locator('.field-error').allTextContents())
      .toEqual(['数据源中已有名为 sales 的表；请换一个名称。']);

    await dialog.getByLabel('名称').fill('wipe_sales');
    await dialog.getByLabel('SQL').fill('DELETE FROM sales');
    await dialog.getByRole('button', { name: '运行' }).click();
    await expect
      .poll(() => dialog.getByRole('alert').allTextContents())
      .toContain('指标的 SQL 必须是一条只读 SELECT 语句；这条以 DELETE 开头。');
    await dialog.getByRole('button', { name: '保存' }).click();
    await expect
      .poll(() => dialog.locator('.field-error').allTextContents())
      .toEqual(['指标的 SQL 必须是一条只读 SELECT 语句；这条以 DELETE 开头。']);
    const shown = (await dialog.textContent()) ?? '';
    expect(shown).not.toMatch(/metric|must be|read-only|starts with/i);
    await screenshot(page, 'semantic-layer-refusal-zh');
    expect(errors).toEqual([]);
  });
});
