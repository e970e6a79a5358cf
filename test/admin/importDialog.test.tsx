// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { importContentType } from '../../admin/src/components/ImportDialog.js';
import { AppRoutes } from '../../admin/src/routes.js';
import { fakeApi, page, renderConsole } from './harness.js';

describe('import', () => {
  it('tells JSON from CSV', () => {
    expect(importContentType('[{"question":"q","sql":"s"}]')).toBe('application/json');
    expect(importContentType('question,sql\nq,s')).toBe('text/csv');
    expect(importContentType('', 'pairs.JSON')).toBe('application/json');
  });

  it('uploads a CSV file and reports every rejected row', async () => {
    const server = fakeApi({
      'GET /api/sql-pairs': { body: page([]) },
      'POST /api/sql-pairs/import': {
        body: {
          created: 2,
          updated: 1,
          unchanged: 0,
          errors: [
            { row: 4, field: 'sql', message: 'sql must not be empty' },
            { row: 6, message: 'the row has 3 values; the header has 2' },
          ],
        },
      },
    });
    renderConsole(<AppRoutes />, { fetch: server.fetch, path: '/sql-pairs', route: null });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Import' }));
    const dialog = await screen.findByRole('dialog', { name: 'Import SQL pairs' });
    const csv = 'question,sql\nHow many?,SELECT 1\n';
    await user.upload(
      within(dialog).getByLabelText('File'),
      new File([csv], 'pairs.csv', { type: 'text/csv' }),
    );
    await waitFor(() =>
      expect(
        (within(dialog).getByLabelText('Or paste the contents') as HTMLTextAreaElement).value,
      ).toBe(csv),
    );
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));

    const report = await within(dialog).findByRole('status', { name: 'Import report' });
    expect(report.textContent).toContain('2 created');
    expect(report.textContent).toContain('1 updated');
    expect(report.textContent).toContain('2 rejected');
    const rows = within(report).getAllByRole('row').slice(1);
    expect(rows.map((row) => row.textContent)).toEqual([
      '4sqlsql must not be empty',
      '6—the row has 3 values; the header has 2',
    ]);
    const sent = server.sent('POST /api/sql-pairs/import')[0];
    expect(sent?.headers.get('content-type')).toBe('text/csv');
    expect(sent?.body).toBe(csv);
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
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe(
      'A JSON import must be an array of objects.',
    );
    expect(server.sent('POST /api/sql-pairs/import')[0]?.headers.get('content-type')).toBe(
      'application/json',
    );
  });
});
