// @vitest-environment jsdom
import type { DictionaryEntry } from '@quarry/shared';
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { REWRITE_EXAMPLE } from '../../../../admin/src/features/dictionaries/example.js';
import { AppRoutes } from '../../../../admin/src/routes.js';
import { fakeApi, page, renderConsole } from '../../support/harness.js';

const entry = (id: number, abbreviation: string, full_name: string): DictionaryEntry => ({
  id,
  kind: 'department',
  columns: [],
  abbreviation,
  full_name,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
});

const base = {
  'GET /api/datasources': { body: page([]) },
  'GET /api/dictionaries/department': {
    body: page([entry(1, 'RD', '研发中心'), entry(2, 'HR', '人力资源部')]),
  },
  'GET /api/dictionaries/project': { body: page([]) },
};

describe('dictionaries', () => {
  it('lists each tab, and validates a new entry with the server’s rules', async () => {
    const server = fakeApi(base);
    renderConsole(<AppRoutes />, { fetch: server.fetch, path: '/dictionaries', route: null });
    const user = userEvent.setup();

    const table = await screen.findByRole('table');
    expect(within(table).getByText('研发中心')).toBeTruthy();
    await user.click(screen.getByRole('link', { name: 'Projects' }));
    expect(await screen.findByText('This dictionary is empty.')).toBeTruthy();
    await user.click(screen.getByRole('link', { name: 'Departments' }));
    await screen.findByRole('table');

    await user.click(screen.getByRole('button', { name: 'Add entry' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add entry' });
    await user.type(within(dialog).getByLabelText('Abbreviation'), '   ');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText('abbreviation must not be empty')).toBeTruthy();
    expect(within(dialog).getByText('full_name must not be empty')).toBeTruthy();
    expect(server.sent('POST /api/dictionaries/department')).toHaveLength(0);
  });

  it('adds an entry, and shows a duplicate refusal on the abbreviation', async () => {
    let calls = 0;
    const server = fakeApi({
      ...base,
      'POST /api/dictionaries/department': (request) =>
        ++calls === 1
          ? {
              status: 409,
              body: {
                error: {
                  code: 'CONFLICT',
                  message: 'RD is already in the department dictionary.',
                  fields: { abbreviation: 'RD is already in the department dictionary' },
                },
              },
            }
          : { status: 201, body: { ...entry(3, 'YF', '研发中心'), ...(request.body as object) } },
    });
    renderConsole(<AppRoutes />, {
      fetch: server.fetch,
      path: '/dictionaries/department',
      route: null,
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Add entry' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('Abbreviation'), 'RD');
    await user.type(within(dialog).getByLabelText('Full name'), '研发中心');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(
      await within(dialog).findByText('RD is already in the department dictionary'),
    ).toBeTruthy();

    await user.clear(within(dialog).getByLabelText('Abbreviation'));
    await user.type(within(dialog).getByLabelText('Abbreviation'), 'YF');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(await screen.findByText('Entry saved.')).toBeTruthy();
    expect(server.sent('POST /api/dictionaries/department')[1]?.body).toEqual({
      abbreviation: 'YF',
      full_name: '研发中心',
      columns: [],
    });
  });

  it('deletes only after confirmation', async () => {
    const server = fakeApi({ ...base, 'DELETE /api/dictionaries/department/2': { status: 204 } });
    renderConsole(<AppRoutes />, {
      fetch: server.fetch,
      path: '/dictionaries/department',
      route: null,
    });
    const user = userEvent.setup();
    const row = (await screen.findByText('人力资源部')).closest('tr') as HTMLElement;
    await user.click(within(row).getByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete this entry?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(server.sent('DELETE /api/dictionaries/department/2')).toHaveLength(0);

    await user.click(within(row).getByRole('button', { name: 'Delete' }));
    await user.click(
      within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete' }),
    );
    await waitFor(() =>
      expect(server.sent('DELETE /api/dictionaries/department/2')).toHaveLength(1),
    );
  });

  it('shows how the dictionaries rewrite a SQL string', async () => {
    const server = fakeApi({
      ...base,
      'POST /api/dictionaries/preview': (request) => ({
        body: {
          sql: String((request.body as { sql: string }).sql).replace("'HR'", "'人力资源部'"),
          rewrites: [
            { before: 'HR', after: '人力资源部', dictionary: 'department' },
            {
              before: 'RD',
              after: '研发中心',
              dictionary: 'department',
              column: 'departments.name',
            },
          ],
        },
      }),
    });
    renderConsole(<AppRoutes />, {
      fetch: server.fetch,
      path: '/dictionaries/department',
      route: null,
    });
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Rewrite' }));
    const rewritten = await screen.findByTestId('rewritten-sql');
    expect(rewritten.textContent).toBe(REWRITE_EXAMPLE.replace("'HR'", "'人力资源部'"));
    expect(screen.getByRole('heading', { name: 'Rewritten' })).toBeTruthy();
    // Each rewrite, before → after, the column a scoped entry matched on hover.
    const chips = within(screen.getByTestId('rewrites')).getAllByRole('listitem');
    expect(chips.map((chip) => chip.textContent)).toEqual(['HR → 人力资源部', 'RD → 研发中心']);
    expect(chips[1]?.getAttribute('title')).toBe('Compared with departments.name');
  });
});
