// @vitest-environment jsdom
import type { SqlPair } from '@quarry/shared';
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { SqlPairForm } from '../../../../admin/src/features/sql-pairs/SqlPairForm.js';
import { AppRoutes } from '../../../../admin/src/routes.js';
import { fakeApi, page, renderConsole } from '../../support/harness.js';

const pair: SqlPair = {
  id: 7,
  question: 'How many people work in RD?',
  sql: "SELECT COUNT(*) AS n FROM employees WHERE department = 'RD'",
  datasource: 'default',
  broken: null,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
};

const sources = {
  'GET /api/datasources': {
    body: page([
      { id: 1, name: 'default', url: 'sqlite:demo', has_password: false, description: null },
      {
        id: 2,
        name: 'sales',
        url: 'mysql://u:***@db/sales',
        has_password: true,
        description: null,
      },
    ]),
  },
};

/** The CodeMirror surface: a contenteditable named by the field's label. */
const sqlEditor = () => screen.findByRole('textbox', { name: 'SQL' });

describe('SQL pair form', () => {
  it('shows the schema’s messages next to empty fields and sends nothing', async () => {
    const server = fakeApi(sources);
    const onSaved = vi.fn();
    renderConsole(<SqlPairForm onSaved={onSaved} onCancel={() => undefined} />, {
      fetch: server.fetch,
    });
    await sqlEditor();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('question must not be empty')).toBeTruthy();
    expect(screen.getByText('sql must not be empty')).toBeTruthy();
    expect(screen.getByLabelText('Question').getAttribute('aria-invalid')).toBe('true');
    expect((await sqlEditor()).getAttribute('aria-invalid')).toBe('true');
    expect(server.sent('POST /api/sql-pairs')).toHaveLength(0);
    expect(onSaved).not.toHaveBeenCalled();
  });

  it('creates a pair from what was typed, on the chosen data source', async () => {
    const server = fakeApi({
      ...sources,
      'POST /api/sql-pairs': (request) => ({
        status: 201,
        body: { ...pair, ...(request.body as object), id: 9 },
      }),
    });
    const onSaved = vi.fn();
    renderConsole(<SqlPairForm onSaved={onSaved} onCancel={() => undefined} />, {
      fetch: server.fetch,
    });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Question'), '  Total sales?  ');
    await user.click(await sqlEditor());
    await user.keyboard('SELECT SUM(amount) FROM sales');
    await screen.findByRole('option', { name: 'sales' });
    await user.selectOptions(screen.getByLabelText('Data source'), 'sales');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(server.sent('POST /api/sql-pairs')[0]?.body).toEqual({
      question: 'Total sales?',
      sql: 'SELECT SUM(amount) FROM sales',
      datasource: 'sales',
    });
  });

  it('puts the server’s refusal next to the field it names', async () => {
    const server = fakeApi({
      ...sources,
      'PUT /api/sql-pairs/7': {
        status: 409,
        body: {
          error: {
            code: 'CONFLICT',
            message: 'A SQL pair with this question already exists.',
            fields: { question: 'a SQL pair with this question already exists' },
          },
        },
      },
    });
    renderConsole(
      <SqlPairForm pair={pair} onSaved={() => undefined} onCancel={() => undefined} />,
      {
        fetch: server.fetch,
      },
    );
    await userEvent.setup().click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('a SQL pair with this question already exists')).toBeTruthy();
    expect(server.sent('PUT /api/sql-pairs/7')[0]?.body).toEqual({
      question: pair.question,
      sql: pair.sql,
      datasource: 'default',
    });
  });

  it('runs the SQL against the data source and shows the first rows', async () => {
    const server = fakeApi({
      ...sources,
      'POST /api/datasources/default/preview': {
        body: { columns: ['n', 'note'], rows: [{ n: 42, note: '<b>bold?</b>' }], capped: false },
      },
    });
    renderConsole(
      <SqlPairForm pair={pair} onSaved={() => undefined} onCancel={() => undefined} />,
      {
        fetch: server.fetch,
      },
    );
    await userEvent.setup().click(screen.getByRole('button', { name: 'Run' }));
    const rows = await screen.findByRole('region', { name: 'Preview rows' });
    expect(within(rows).getByRole('cell', { name: '42' })).toBeTruthy();
    // A value is text, never markup.
    expect(within(rows).getByRole('cell', { name: '<b>bold?</b>' })).toBeTruthy();
    expect(rows.querySelector('b')).toBeNull();
    expect(server.sent('POST /api/datasources/default/preview')[0]?.body).toEqual({
      sql: pair.sql,
    });
  });

  it('shows why a preview failed', async () => {
    const server = fakeApi({
      ...sources,
      'POST /api/datasources/default/preview': {
        status: 400,
        body: { error: { code: 'SQL_EXECUTION_FAILED', message: 'no such column: departmnt' } },
      },
    });
    renderConsole(
      <SqlPairForm pair={pair} onSaved={() => undefined} onCancel={() => undefined} />,
      {
        fetch: server.fetch,
      },
    );
    await userEvent.setup().click(screen.getByRole('button', { name: 'Run' }));
    expect((await screen.findByRole('alert')).textContent).toContain('no such column: departmnt');
  });
});

describe('SQL pair refusals in the admin’s language', () => {
  const refusal = {
    status: 400,
    body: {
      error: {
        code: 'UNSAFE_SQL',
        message:
          'This SQL reads the hidden column employees.salary, which is not available to questions.',
        fields: {
          sql: 'This SQL reads the hidden column employees.salary, which is not available to questions.',
        },
        reason: { code: 'sql_hidden_column', params: { column: 'employees.salary' } },
        field_reasons: {
          sql: { code: 'sql_hidden_column', params: { column: 'employees.salary' } },
        },
      },
    },
  };

  it.each([
    ['en', 'Question', 'Save', 'question must not be empty', 'hidden column employees.salary'],
    ['zh', '问题', '保存', '问题不能为空', '这条 SQL 读取了已隐藏的列 employees.salary'],
  ] as const)(
    'in %s: the schema’s and the server’s refusals are worded for the reader',
    async (locale, questionLabel, save, empty, hidden) => {
      const server = fakeApi({ ...sources, 'POST /api/sql-pairs': refusal });
      renderConsole(<SqlPairForm onSaved={() => undefined} onCancel={() => undefined} />, {
        fetch: server.fetch,
        locale,
      });
      const user = userEvent.setup();
      await screen.findByRole('textbox', { name: 'SQL' });
      await user.click(screen.getByRole('button', { name: save }));
      expect(await screen.findByText(empty)).toBeTruthy();

      await user.type(screen.getByLabelText(questionLabel), 'salaries');
      await user.click(await screen.findByRole('textbox', { name: 'SQL' }));
      await user.keyboard('SELECT salary FROM employees');
      await user.click(screen.getByRole('button', { name: save }));
      const message = await screen.findByText((text) => text.includes(hidden));
      expect(message.textContent).not.toMatch(
        locale === 'zh' ? /[A-Za-z]{5,} [a-z]{3,}/ : /[一-鿿]/,
      );
    },
  );
});

describe('SQL pairs list', () => {
  it('badges a pair the schema broke, with the reason', async () => {
    const broken: SqlPair = {
      ...pair,
      broken: {
        code: 'sql_does_not_run',
        params: { datasource: 'default', detail: 'no such column: colour' },
      },
    };
    const server = fakeApi({ 'GET /api/sql-pairs': { body: page([broken]) } });
    renderConsole(<AppRoutes />, {
      fetch: server.fetch,
      path: '/sql-pairs',
      route: null,
      locale: 'zh',
    });
    expect(await screen.findByText('已失效')).toBeTruthy();
    // Chinese only in the note; the database's own words are folded apart.
    expect(screen.getByText('这条 SQL 无法在数据源“default”上运行。')).toBeTruthy();
    expect(document.querySelector('details.error-detail code')?.textContent).toBe(
      'no such column: colour',
    );
  });
});
