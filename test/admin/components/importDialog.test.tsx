// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { importContentType } from '../../../admin/src/components/ImportDialog.js';
import { AppRoutes } from '../../../admin/src/routes.js';
import { fakeApi, page, renderConsole } from '../support/harness.js';

describe('import', () => {
  it('tells JSON from CSV', () => {
    expect(importContentType('[{"question":"q","sql":"s"}]')).toBe('application/json');
    expect(importContentType('question,sql\nq,s')).toBe('text/csv');
    expect(importContentType('', 'pairs.JSON')).toBe('application/json');
  });

  it('previews every row (new, changed with a diff, rejected with its reason), then imports on confirmation', async () => {
    const preview = {
      mode: 'create_only',
      dry_run: true,
      created: 1,
      updated: 0,
      unchanged: 1,
      skipped: 1,
      errors: [
        {
          row: 4,
          field: 'sql',
          message: 'Only one read-only SELECT statement may run; this SQL contains DELETE.',
          reason: { code: 'sql_not_read_only', params: { what: 'DELETE' } },
        },
      ],
      rows: [
        {
          row: 1,
          status: 'changed',
          key: '每个部门有多少在职员工',
          values: { question: '每个部门有多少在职员工', sql: 'SELECT 1' },
          before: { sql: 'SELECT d.name, COUNT(*) FROM employees e JOIN departments d' },
          written: false,
        },
        { row: 2, status: 'unchanged', key: '部门有几个', written: false },
        { row: 3, status: 'new', key: '项目有几个', written: true },
        {
          row: 4,
          status: 'rejected',
          key: '删掉员工',
          written: false,
          errors: [
            {
              row: 4,
              field: 'sql',
              message: 'Only one read-only SELECT statement may run; this SQL contains DELETE.',
              reason: { code: 'sql_not_read_only', params: { what: 'DELETE' } },
            },
          ],
        },
        {
          row: 5,
          status: 'rejected',
          key: '鞋码',
          written: false,
          errors: [
            {
              row: 5,
              field: 'sql',
              message: 'This SQL does not run on data source "default": no such column: shoe_size',
              reason: {
                code: 'sql_does_not_run',
                params: { datasource: 'default', detail: 'no such column: shoe_size' },
              },
            },
          ],
        },
      ],
    };
    const server = fakeApi({
      'GET /api/sql-pairs': { body: page([]) },
      'POST /api/sql-pairs/import': (request) => ({
        body:
          request.search.get('dry_run') === 'true'
            ? preview
            : { ...preview, dry_run: false, rows: [], errors: preview.errors },
      }),
    });
    renderConsole(<AppRoutes />, {
      fetch: server.fetch,
      path: '/sql-pairs',
      route: null,
      locale: 'zh',
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: '导入' }));
    const dialog = await screen.findByRole('dialog', { name: '导入 SQL 示例' });
    const csv = 'question,sql\n每个部门有多少在职员工,SELECT 1\n';
    await user.upload(
      within(dialog).getByLabelText('文件'),
      new File([csv], 'pairs.csv', { type: 'text/csv' }),
    );
    await waitFor(() =>
      expect((within(dialog).getByLabelText('或粘贴文件内容') as HTMLTextAreaElement).value).toBe(
        csv,
      ),
    );
    await user.click(within(dialog).getByRole('button', { name: '预览' }));

    const report = await within(dialog).findByRole('status', { name: '导入预览' });
    const rows = within(report).getAllByRole('row').slice(1);
    expect(rows.map((row) => row.getAttribute('data-status'))).toEqual([
      'changed',
      'new',
      'rejected',
      'rejected',
    ]);
    expect(rows[0]?.querySelector('del')?.textContent).toBe(
      'SELECT d.name, COUNT(*) FROM employees e JOIN departments d',
    );
    expect(rows[0]?.querySelector('ins')?.textContent).toBe('SELECT 1');
    expect(rows[2]?.textContent).toContain('只允许一条只读 SELECT 语句；这条 SQL 包含 DELETE。');
    expect(report.textContent).not.toMatch(/Only one read-only/);
    // The database's words stay apart from the Chinese message, folded beneath it.
    expect(rows[3]?.querySelector('.form-error')?.textContent).toBe(
      'SQL: 这条 SQL 无法在数据源“default”上运行。',
    );
    expect(rows[3]?.querySelector('details.error-detail code')?.textContent).toBe(
      'no such column: shoe_size',
    );
    // Only the preview was asked for; nothing is written until the admin confirms.
    expect(server.sent('POST /api/sql-pairs/import')).toHaveLength(1);
    expect(server.sent('POST /api/sql-pairs/import')[0]?.search.get('mode')).toBe('create_only');

    await user.click(within(dialog).getByRole('button', { name: '导入 1 行' }));
    await within(dialog).findByRole('status', { name: '导入结果' });
    const sent = server.sent('POST /api/sql-pairs/import');
    expect(sent).toHaveLength(2);
    expect(sent[1]?.search.get('dry_run')).toBeNull();
    expect(sent[1]?.headers.get('content-type')).toBe('text/csv');
    expect(sent[1]?.body).toBe(csv);
  });

  it('overwrites only when the admin chooses to', async () => {
    const server = fakeApi({
      'GET /api/sql-pairs': { body: page([]) },
      'POST /api/sql-pairs/import': {
        body: {
          mode: 'overwrite',
          dry_run: true,
          created: 0,
          updated: 1,
          unchanged: 0,
          skipped: 0,
          errors: [],
          rows: [],
        },
      },
    });
    renderConsole(<AppRoutes />, { fetch: server.fetch, path: '/sql-pairs', route: null });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Import' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByLabelText('Or paste the contents'));
    await user.paste('question,sql\nq,SELECT 2');
    await user.click(within(dialog).getByLabelText('Overwrite stored entries that differ'));
    await user.click(within(dialog).getByRole('button', { name: 'Preview' }));
    await within(dialog).findByRole('status', { name: 'Import preview' });
    expect(server.sent('POST /api/sql-pairs/import')[0]?.search.get('mode')).toBe('overwrite');
  });

  it('says why a whole file was refused', async () => {
    const server = fakeApi({
      'GET /api/sql-pairs': { body: page([]) },
      'POST /api/sql-pairs/import': {
        status: 400,
        body: {
          error: { code: 'BAD_REQUEST', message: 'A JSON import must be an array of objects.' },
        },
      },
    });
    renderConsole(<AppRoutes />, { fetch: server.fetch, path: '/sql-pairs', route: null });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Import' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByLabelText('Or paste the contents'));
    await user.paste('{"question": "q"}');
    await user.click(within(dialog).getByRole('button', { name: 'Preview' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe(
      'A JSON import must be an array of objects.',
    );
    expect(server.sent('POST /api/sql-pairs/import')[0]?.headers.get('content-type')).toBe(
      'application/json',
    );
  });
});
