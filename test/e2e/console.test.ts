import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeByPrompt } from '../fakes/openaiServer.js';
import { ADMIN_TOKEN } from '../support/adminToken.js';
import { startTestQuarry, type TestQuarry, upgradeStatus } from '../support/quarry.js';
import {
  browserSuiteSkipReason,
  buildConsole,
  LAPTOP,
  launchChromium,
  PHONE,
  screenshot,
  watchForErrors,
} from './browser.js';

// Outside CI a machine without Chromium skips these suites and says why in their names.
const skipReason = browserSuiteSkipReason();
const NOT_RUN = skipReason ? ` (NOT RUN: ${skipReason})` : '';
const describeInBrowser = describe.skipIf(skipReason !== undefined);

/** /ws and /v1 require API tokens, as in production: the console gets in with its admin token. */
const API_TOKEN = 'e2e-api-token-0123456789';
const HOSTILE_QUESTION = '<script>window.__injected = 1</script> 各部门有多少人？';
const PAIR_SQL = 'SELECT name FROM departments ORDER BY id';
const ASK = 'YF部门有多少员工?';
/** What the model writes: the abbreviation an admin is about to add to the dictionary. */
const MODEL_REPLY =
  "Counting the employees of that department:\n```sql\nSELECT COUNT(*) AS headcount FROM employees e JOIN departments d ON e.department_id = d.id WHERE d.name = 'YF'\n```";
const EXPANDED_SQL =
  "SELECT COUNT(*) AS headcount FROM employees e JOIN departments d ON e.department_id = d.id WHERE d.name = '研发中心'";
/** A result as wide as real ones: ids, an amount, a date and a long text, seven columns. */
const WIDE_SQL =
  "SELECT x.id, x.employee_id, x.department_id, x.category, x.amount, x.expense_date, x.description || '（' || e.name || '，' || e.title || '，' || d.name || '，' || d.city || '）' AS note FROM expenses x JOIN employees e ON e.id = x.employee_id JOIN departments d ON d.id = x.department_id ORDER BY x.id LIMIT 5";

/** Types into a CodeMirror editor as one insertion, so bracket closing and completion stay out. */
async function fillSqlEditor(page: Page, name: string, sql: string): Promise<void> {
  const editor = page.getByRole('textbox', { name, exact: true });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(sql);
}

/** The lines a cell's text takes, its height, and the height of one line of it. */
function textLines(cell: Locator) {
  return cell.evaluate((element) => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    const text = walker.nextNode();
    if (!text?.parentElement) throw new Error('the cell has no text');
    const range = document.createRange();
    range.selectNodeContents(text);
    return {
      text: text.textContent,
      lines: range.getClientRects().length,
      height: range.getBoundingClientRect().height,
      lineHeight: Number.parseFloat(getComputedStyle(text.parentElement).lineHeight),
    };
  });
}

/** How wide the page lays out: wider than the viewport means sideways scrolling. */
function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

describeInBrowser(`admin console in Chromium against the real server${NOT_RUN}`, () => {
  let quarry: TestQuarry;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let url: (path: string) => string;

  beforeAll(async () => {
    await buildConsole();
    quarry = await startTestQuarry({ API_TOKENS: API_TOKEN });
    url = (path) => `${quarry.baseUrl}/admin${path}`;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: LAPTOP, locale: 'en-US' });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    errors = watchForErrors(page);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await quarry?.close();
  });

  it('signs in: a wrong token is refused, the right one opens the console', async () => {
    await page.goto(url('/'));
    await page.getByLabel('Admin token').fill('not-the-admin-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByText('That token is not correct.').isVisible()).toBe(true);
    await screenshot(page, '01-login-refused');

    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Playground' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/playground');
  });

  it('adds a SQL pair, previews its rows, and shows the question as text', async () => {
    // A deep link: the server answers client-side routes with the console's index page.
    await page.goto(url('/sql-pairs'));
    await page.getByText('No SQL pairs yet.').waitFor();
    await page.getByRole('link', { name: 'New SQL pair' }).click();
    await page.getByLabel('Question').fill(HOSTILE_QUESTION);
    await fillSqlEditor(page, 'SQL', PAIR_SQL);
    await page.getByRole('button', { name: 'Run' }).click();
    const preview = page.getByRole('region', { name: 'Preview rows' });
    await preview.getByRole('cell', { name: '研发中心' }).waitFor();
    await screenshot(page, '03-sql-pair-form');

    await page.getByRole('button', { name: 'Save' }).click();
    const link = page.getByRole('link', { name: HOSTILE_QUESTION });
    await link.waitFor();
    expect(await link.textContent()).toBe(HOSTILE_QUESTION);
    expect(
      await page.evaluate(() => (window as { __injected?: number }).__injected),
    ).toBeUndefined();
    await screenshot(page, '02-sql-pairs');

    const stored = await fetch(`${quarry.baseUrl}/api/sql-pairs`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    }).then(
      (response) => response.json() as Promise<{ items: { question: string; sql: string }[] }>,
    );
    expect(stored.items).toEqual([
      expect.objectContaining({ question: HOSTILE_QUESTION, sql: PAIR_SQL }),
    ]);
  });

  it('adds a department abbreviation and tries the rewrite', async () => {
    await page.getByRole('link', { name: 'Dictionaries' }).click();
    await page.getByRole('cell', { name: '研发中心' }).first().waitFor();
    await page.getByRole('button', { name: 'Add entry' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add entry' });
    await dialog.getByLabel('Abbreviation').fill('YF');
    await dialog.getByLabel('Full name').fill('研发中心');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'YF', exact: true }).waitFor();

    await fillSqlEditor(page, 'SQL to rewrite', "SELECT * FROM departments WHERE name = 'YF'");
    await page.getByRole('button', { name: 'Rewrite' }).click();
    await expect
      .poll(() => page.getByTestId('rewritten-sql').textContent())
      .toBe("SELECT * FROM departments WHERE name = '研发中心'");
    expect(await page.getByTestId('rewrites').getByRole('listitem').allTextContents()).toEqual([
      'YF → 研发中心',
    ]);
    await screenshot(page, '04-dictionaries');
  });

  it('streams the next ask in the playground, its SQL using the full name', async () => {
    // /ws refuses a connection without a token, so the answer below came in on the admin token.
    expect(await upgradeStatus(quarry.wsUrl)).toBe(401);
    quarry.fake.onChat(
      routeByPrompt([
        [
          /TASK: SQL GENERATION/,
          {
            content: MODEL_REPLY,
            chunks: MODEL_REPLY.match(/[\s\S]{1,10}/g) ?? [],
            chunkDelayMs: 15,
          },
        ],
      ]),
    );
    await page.getByRole('link', { name: 'Playground' }).click();
    await page.getByLabel('Question').fill(ASK);
    await page.getByLabel('Question').press('Enter');

    const finalSql = page.getByTestId('final-sql');
    await finalSql.waitFor();
    expect(await finalSql.getAttribute('data-sql')).toBe(EXPANDED_SQL);
    const rows = page.getByRole('region', { name: 'Result rows' });
    await rows.getByRole('columnheader', { name: 'headcount' }).waitFor();
    const headcount = Number(await rows.getByRole('cell').first().textContent());
    expect(headcount).toBeGreaterThan(0);
    const stages = await page.getByTestId('stages').locator('li').allTextContents();
    expect(stages.some((stage) => stage.includes('正在执行SQL查询...'))).toBe(true);
    await screenshot(page, '05-playground');
    quarry.fake.onChat(undefined);
  });

  it('finds that ask in the history and promotes it to a SQL pair', async () => {
    await page.getByRole('link', { name: 'Ask history' }).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: ASK }) });
    await row.waitFor();
    expect(await row.getByText('Finished').isVisible()).toBe(true);
    expect(await pageWidth(page)).toBeLessThanOrEqual(LAPTOP.width);
    await screenshot(page, '06-ask-history');

    await page.getByLabel('Status').selectOption('failed');
    await page.getByText('No ask matches these filters.').waitFor();
    await page.getByLabel('Status').selectOption('finished');
    await row.getByRole('link', { name: ASK }).click();
    await page.getByRole('heading', { name: ASK }).waitFor();
    // The rows it answered with, kept with the ask.
    const kept = page.getByRole('region', { name: 'The rows, as kept with the ask' });
    expect(await kept.getByRole('columnheader').allTextContents()).toEqual(['headcount']);
    expect(await kept.getByRole('cell').count()).toBe(1);
    await page.getByRole('button', { name: 'Promote to SQL pair' }).click();
    await page.getByText('Promoted to a SQL pair.').waitFor();
    await screenshot(page, '07-ask-detail');

    await page.getByRole('link', { name: 'Open it' }).click();
    await expect.poll(() => page.getByLabel('Question').inputValue()).toBe(ASK);
    const pairs = await fetch(`${quarry.baseUrl}/api/sql-pairs?q=YF`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    }).then(
      (response) => response.json() as Promise<{ items: { question: string; sql: string }[] }>,
    );
    expect(pairs.items).toEqual([expect.objectContaining({ question: ASK, sql: EXPANDED_SQL })]);
  });

  it('manages instructions and data sources, and describes a column', async () => {
    await page.getByRole('link', { name: 'Instructions' }).click();
    await page.getByText('No instructions yet.').waitFor();
    await page.getByRole('button', { name: 'New instruction' }).click();
    const dialog = page.getByRole('dialog', { name: 'New instruction' });
    await dialog.getByLabel('Instruction').fill('“人数” means employees whose status is active.');
    await dialog.getByLabel('Questions like these examples').check();
    await dialog.getByLabel('Example questions').fill('各部门有多少人？\nHeadcount by department');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Headcount by department').waitFor();
    await screenshot(page, '08-instructions');

    await page.getByRole('link', { name: 'Data sources' }).click();
    await page.getByRole('link', { name: 'default' }).waitFor();
    await page.getByRole('button', { name: 'Add data source' }).click();
    const add = page.getByRole('dialog', { name: 'Add data source' });
    await add.getByLabel('Name').fill('missing');
    await add.getByLabel('Connection URL').fill('sqlite:/nonexistent/dir/none.sqlite');
    await add.getByRole('button', { name: 'Test and save' }).click();
    await add.locator('.check-failed').waitFor();
    await screenshot(page, '09-datasource-test-failed');
    await add.getByRole('button', { name: 'Cancel' }).click();
    await screenshot(page, '10-datasources');

    await page.getByRole('link', { name: 'Tables and columns' }).click();
    const employees = page
      .locator('details')
      .filter({ has: page.locator('summary', { hasText: 'employees' }) });
    await employees.locator('summary').click();
    await employees.getByRole('button', { name: 'Describe employees.title' }).click();
    await employees
      .getByLabel('Description of employees.title')
      .fill('职位 job title, e.g. 高级工程师');
    await employees.getByRole('button', { name: 'Save' }).click();
    await employees.getByText('职位 job title, e.g. 高级工程师').waitFor();
    await employees
      .getByRole('checkbox', { name: 'Hide employees.salary from the assistant' })
      .check();
    await employees.locator('summary').getByText('1 column hidden').waitFor();
    const salary = (await quarry.server.store.schemaDescriptions.list('default')).find(
      (entry) => entry.table === 'employees' && entry.column === 'salary',
    );
    expect(salary?.hidden).toBe(true);
    await screenshot(page, '11-datasource-schema');
  });

  it('scrolls a wide result sideways at phone width, each value on one line', async () => {
    await page.setViewportSize(PHONE);
    quarry.fake.onChat(
      routeByPrompt([[/TASK: SQL GENERATION/, { content: `\`\`\`sql\n${WIDE_SQL}\n\`\`\`` }]]),
    );
    await page.goto(url('/playground'));
    await page.getByLabel('Question').fill('最早的五笔报销');
    await page.getByLabel('Question').press('Enter');
    const rows = page.getByRole('region', { name: 'Result rows' });
    await rows.getByRole('columnheader', { name: 'expense_date' }).waitFor();
    quarry.fake.onChat(undefined);

    // The table scrolls inside its box; the page itself stays as wide as the phone.
    const box = await rows.evaluate((element) => ({
      scrollWidth: element.scrollWidth,
      clientWidth: element.clientWidth,
    }));
    expect(box.scrollWidth).toBeGreaterThan(box.clientWidth);
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);

    const first = rows.locator('tbody tr').first().getByRole('cell');
    for (const [index, shape] of [
      [0, /^\d+$/],
      // Amounts read with thousands separators.
      [4, /^\d{1,3}(,\d{3})*(\.\d+)?$/],
      [5, /^\d{4}-\d{2}-\d{2}$/],
    ] as const) {
      const cell = await textLines(first.nth(index));
      expect(cell.text).toMatch(shape);
      expect(cell.lines, `${cell.text} on one line`).toBe(1);
      expect(cell.height).toBeLessThanOrEqual(cell.lineHeight);
    }
    // A long text is cut on its one line, and its full value is the cell's tooltip.
    const note = first.nth(6).locator('.cell-value');
    const cut = await note.evaluate((element) => ({
      text: element.textContent,
      title: element.getAttribute('title'),
      cut: element.scrollWidth > element.clientWidth,
      lines: element.getClientRects().length,
    }));
    expect(cut).toEqual({
      text: expect.stringContaining('（'),
      title: cut.text,
      cut: true,
      lines: 1,
    });
    await screenshot(page, '16-phone-playground');

    await page.goto(url('/dictionaries/project'));
    await page.getByRole('heading', { name: 'Try it' }).waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, '17-phone-project-dictionary');
  });

  it('works at phone width and in Chinese', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(url('/asks'));
    await page.getByRole('link', { name: ASK }).waitFor();
    await screenshot(page, '12-phone-ask-history');
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'SQL pairs' }).click();
    await page.getByRole('heading', { name: 'SQL pairs' }).waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, '13-phone-sql-pairs');

    await page.getByLabel('Language').selectOption('zh');
    await page.getByRole('heading', { name: 'SQL 示例' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await screenshot(page, '14-phone-sql-pairs-zh');
    await page.setViewportSize(LAPTOP);
    await page.getByRole('link', { name: '试运行' }).click();
    await screenshot(page, '15-playground-zh');
    await page.getByLabel('语言').selectOption('en');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin token').waitFor();
    await page.goto(url('/sql-pairs'));
    await page.getByLabel('Admin token').waitFor();
    expect(errors).toEqual([]);
  });
});

describeInBrowser(`the playground’s Stop in Chromium${NOT_RUN}`, () => {
  let quarry: TestQuarry;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    // The console was built by the suite above, in this same file.
    quarry = await startTestQuarry();
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: LAPTOP, locale: 'en-US' });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    errors = watchForErrors(page);
    await page.goto(`${quarry.baseUrl}/admin/`);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Playground' }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await quarry?.close();
  });

  it('stops the one ask: the history holds it once, stopped, and the model call is cancelled', async () => {
    quarry.fake.onChat(routeByPrompt([[/TASK: SQL GENERATION/, { content: '', hang: true }]]));
    await page.getByLabel('Question').fill('How many employees are there?');
    await page.getByRole('button', { name: 'Ask' }).click();
    const stop = page.getByRole('button', { name: 'Stop' });
    await expect.poll(() => stop.isEnabled()).toBe(true);
    await expect.poll(() => quarry.fake.chatRequests.length).toBe(1);
    // Pressed twice, as an impatient admin would: the second press must not ask again.
    await stop.click();
    await stop.click({ force: true });
    await expect.poll(() => page.getByRole('button', { name: 'Ask' }).isEnabled()).toBe(true);

    const asks = async () =>
      (await (
        await fetch(`${quarry.baseUrl}/api/asks`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        })
      ).json()) as { total: number; items: { status: string; question: string }[] };
    await expect.poll(async () => (await asks()).items[0]?.status).toBe('stopped');
    const history = await asks();
    expect(history.total).toBe(1);
    expect(history.items[0]?.question).toBe('How many employees are there?');
    await expect.poll(() => quarry.fake.chatRequests[0]?.abortedAt).toBeDefined();
    expect(quarry.fake.chatRequests).toHaveLength(1);
    expect(errors).toEqual([]);
    quarry.fake.onChat(undefined);
  });
});

describeInBrowser(`every validation message in the admin’s language, in Chromium${NOT_RUN}`, () => {
  let quarry: TestQuarry;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const at = (path: string) => `${quarry.baseUrl}/admin${path}`;

  beforeAll(async () => {
    // The console was built by the first suite of this file.
    quarry = await startTestQuarry();
    const hidden = await fetch(`${quarry.baseUrl}/api/datasources/default/descriptions`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ table: 'employees', column: 'salary', hidden: true }),
    });
    expect(hidden.status).toBe(200);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: LAPTOP, locale: 'en-US' });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    errors = watchForErrors(page);
    await page.goto(at('/'));
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Playground' }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await quarry?.close();
  });

  /** Every message the page shows about a refusal: field messages, form alerts, import rows. */
  const shownMessages = () =>
    page
      .locator('.field-error, .form-error, [role="alert"]')
      .evaluateAll((nodes) => nodes.map((node) => node.textContent?.trim() ?? ''));

  /** Waits for messages to appear, then checks none of them is in the other language. */
  async function expectMessagesIn(locale: 'en' | 'zh', where: string): Promise<string[]> {
    await expect
      .poll(async () => (await shownMessages()).length, { message: where })
      .toBeGreaterThan(0);
    const messages = await shownMessages();
    for (const message of messages) {
      if (locale === 'zh') {
        // SQL keywords and names may stand in a Chinese sentence; an English phrase may not.
        expect(message, `${where}: ${message}`).not.toMatch(/[A-Za-z]{2,}[ ,]+[a-z]{2,}\b/);
        expect(message, `${where}: ${message}`).toMatch(/\p{Script=Han}/u);
      } else {
        expect(message, `${where}: ${message}`).not.toMatch(/\p{Script=Han}/u);
      }
    }
    return messages;
  }

  const LABELS = {
    en: {
      save: 'Save',
      import: 'Import',
      preview: 'Preview',
      add: 'Add entry',
      newInstruction: 'New instruction',
      addSource: 'Add data source',
      testConnection: 'Test connection',
      question: 'Question',
    },
    zh: {
      save: '保存',
      import: '导入',
      preview: '预览',
      add: '添加词条',
      newInstruction: '新建指令',
      addSource: '添加数据源',
      testConnection: '测试连接',
      question: '问题',
    },
  } as const;

  for (const locale of ['en', 'zh'] as const) {
    it(`walks the forms in ${locale === 'en' ? 'English' : 'Chinese'}`, async () => {
      const label = LABELS[locale];
      await page.evaluate((value) => localStorage.setItem('quarry.locale', value), locale);

      // SQL pair: empty fields, then a write, then a hidden column.
      await page.goto(at('/sql-pairs/new'));
      const form = page.locator('main form');
      await form.getByRole('button', { name: label.save, exact: true }).click();
      await expectMessagesIn(locale, 'empty SQL pair');
      await form.locator('textarea.input').first().fill(`walk ${locale} delete`);
      await page.locator('.cm-content').first().click();
      await page.keyboard.insertText('DELETE FROM employees');
      await form.getByRole('button', { name: label.save, exact: true }).click();
      await expect.poll(async () => (await shownMessages()).join(' ')).toMatch(/DELETE/);
      await expectMessagesIn(locale, 'a write');
      await page.locator('.cm-content').first().click();
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.insertText('SELECT name, salary FROM employees');
      await form.getByRole('button', { name: label.save, exact: true }).click();
      await expect.poll(async () => (await shownMessages()).join(' ')).toMatch(/employees\.salary/);
      await expectMessagesIn(locale, 'a hidden column');

      // Instruction: matched without questions, empty text.
      await page.goto(at('/instructions'));
      await page.getByRole('button', { name: label.newInstruction }).click();
      const instruction = page.getByRole('dialog').locator('form');
      await instruction.locator('input[type="radio"]').nth(1).check();
      await instruction.getByRole('button', { name: label.save, exact: true }).click();
      await expectMessagesIn(locale, 'a matched instruction without questions');
      await page.keyboard.press('Escape');

      // Dictionary entry: empty, a badly named column, then an abbreviation already there.
      await page.goto(at('/dictionaries/department'));
      await page.getByRole('button', { name: label.add }).click();
      const entry = page.getByRole('dialog').locator('form');
      await entry.getByRole('button', { name: label.save, exact: true }).click();
      await expectMessagesIn(locale, 'an empty entry');
      const inputs = entry.locator('input.input');
      await inputs.nth(0).fill('RD');
      await inputs.nth(1).fill('研发中心');
      await inputs.nth(2).fill('name');
      await entry.getByRole('button', { name: label.save, exact: true }).click();
      await expectMessagesIn(locale, 'a column without its table');
      await inputs.nth(2).fill('');
      await entry.getByRole('button', { name: label.save, exact: true }).click();
      await expect.poll(async () => (await shownMessages()).length).toBeGreaterThan(0);
      await expectMessagesIn(locale, 'an abbreviation already in the dictionary');
      await page.keyboard.press('Escape');

      // Import preview: a row without a question and a row that writes.
      await page.goto(at('/sql-pairs'));
      await page.getByRole('button', { name: label.import, exact: true }).click();
      const dialog = page.getByRole('dialog');
      await dialog
        .locator('textarea')
        .fill('question,sql\n,SELECT 1\nwipe,DELETE FROM employees\n');
      await dialog.getByRole('button', { name: label.preview }).click();
      await dialog.locator('tr[data-status="rejected"]').nth(1).waitFor();
      await expectMessagesIn(locale, 'import rejections');
      await screenshot(page, `18-import-preview-${locale}`);
      await page.keyboard.press('Escape');

      // Data source: a connection nothing answers; the driver's words are folded apart.
      await page.goto(at('/datasources'));
      await page.getByRole('button', { name: label.addSource }).click();
      const source = page.getByRole('dialog').locator('form');
      const sourceInputs = source.locator('input.input');
      await sourceInputs.nth(0).fill(`walk-${locale}`);
      await sourceInputs.nth(1).fill('mysql://reader:secret@127.0.0.1:1/sales');
      await source.getByRole('button', { name: label.testConnection }).click();
      const refusedAt = await expectMessagesIn(locale, 'a connection refused');
      expect(refusedAt.join(' ')).toContain('127.0.0.1:1');
      expect(await source.locator('details.error-detail code').textContent()).toMatch(
        /ECONNREFUSED/,
      );
      await page.keyboard.press('Escape');

      // Playground: the model's SQL reads a column the database does not have, every time.
      quarry.fake.onChat(routeByPrompt([], '```sql\nSELECT no_such_column FROM employees\n```'));
      await page.goto(at('/playground'));
      await page.getByLabel(label.question, { exact: true }).fill(`walk ${locale} 每个员工的鞋码`);
      await page.getByLabel(label.question, { exact: true }).press('Enter');
      await expectMessagesIn(locale, 'an ask the database refused');
      await screenshot(page, `19-playground-refused-${locale}`);
      expect(
        await page.locator('.attempts details.error-detail code').first().textContent(),
      ).toMatch(/no such column/);
      quarry.fake.onChat(undefined);
      expect(errors).toEqual([]);
    });
  }
});
