// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AppRoutes } from '../../../../admin/src/routes.js';
import { fakeApi, page, renderConsole } from '../../support/harness.js';

interface Entry {
  table: string;
  column: string | null;
  hidden: boolean;
}

const TABLES = [
  { name: 'employees', columns: ['id', 'name', 'salary'] },
  { name: 'projects', columns: ['id', 'budget'] },
];

/** A schema endpoint backed by the entries the PUTs leave, as the server merges them. */
function schemaServer(options: { refuse?: boolean } = {}) {
  const entries: Entry[] = [];
  const hidden = (table: string, column: string | null) =>
    entries.some((entry) => entry.table === table && entry.column === column && entry.hidden);
  return fakeApi({
    'GET /api/datasources': { body: page([]) },
    'GET /api/datasources/default/schema': () => ({
      body: {
        datasource: 'default',
        tables: TABLES.map((table) => ({
          name: table.name,
          description: null,
          hidden: hidden(table.name, null),
          foreignKeys: [],
          columns: table.columns.map((name) => ({
            name,
            type: 'INTEGER',
            nullable: false,
            primaryKey: name === 'id',
            description: null,
            hidden: hidden(table.name, name),
          })),
        })),
        descriptions: [],
      },
    }),
    'PUT /api/datasources/default/descriptions': (request) => {
      if (options.refuse) {
        return {
          status: 400,
          body: { error: { code: 'BAD_REQUEST', message: 'hidden must be true or false' } },
        };
      }
      const body = request.body as Entry;
      const rest = entries.filter((e) => !(e.table === body.table && e.column === body.column));
      entries.splice(0, entries.length, ...rest, body);
      return { body: { ...body, datasource: 'default', description: '' } };
    },
  });
}

/** The collapsible card of one table. */
const tableCard = (name: string) =>
  [...document.querySelectorAll('details')].find((card) =>
    card.querySelector('summary')?.textContent?.startsWith(name),
  ) as HTMLElement;

describe('hiding tables and columns from the assistant', () => {
  it('hides a column from its row, and the table and row say so', async () => {
    const server = schemaServer();
    renderConsole(<AppRoutes />, {
      fetch: server.fetch,
      path: '/datasources/default',
      route: null,
    });
    const user = userEvent.setup();

    const salary = await screen.findByRole('checkbox', {
      name: 'Hide employees.salary from the assistant',
    });
    expect((salary as HTMLInputElement).checked).toBe(false);
    expect(screen.queryByText('Hidden')).toBeNull();
    await user.click(salary);

    expect(server.sent('PUT /api/datasources/default/descriptions').map((r) => r.body)).toEqual([
      { table: 'employees', column: 'salary', hidden: true },
    ]);
    const row = salary.closest('tr') as HTMLElement;
    await waitFor(() => expect(within(row).getByText('Hidden')).toBeTruthy());
    expect((salary as HTMLInputElement).checked).toBe(true);
    expect(within(tableCard('employees')).getByText('1 column hidden')).toBeTruthy();
    const projects = tableCard('projects').querySelector('summary') as HTMLElement;
    expect(within(projects).queryByText(/hidden/i)).toBeNull();

    await user.click(salary);
    await waitFor(() => expect(within(row).queryByText('Hidden')).toBeNull());
    expect(server.sent('PUT /api/datasources/default/descriptions').at(-1)?.body).toEqual({
      table: 'employees',
      column: 'salary',
      hidden: false,
    });
  });

  it('hides a whole table with its labelled toggle', async () => {
    const server = schemaServer();
    renderConsole(<AppRoutes />, {
      fetch: server.fetch,
      path: '/datasources/default',
      route: null,
    });
    const user = userEvent.setup();

    const toggle = await screen.findByRole('checkbox', {
      name: 'Hide projects from the assistant',
    });
    // The words are on screen next to the box, not only in its accessible name.
    expect(toggle.closest('label')?.textContent).toBe('Hidden from the assistant');
    await user.click(toggle);

    expect(server.sent('PUT /api/datasources/default/descriptions').at(-1)?.body).toEqual({
      table: 'projects',
      column: null,
      hidden: true,
    });
    const summary = tableCard('projects').querySelector('summary') as HTMLElement;
    await waitFor(() =>
      expect(within(summary).getByText('Hidden from the assistant')).toBeTruthy(),
    );
    expect((toggle as HTMLInputElement).checked).toBe(true);
  });

  it('shows a refused save next to the toggle and keeps the stored state', async () => {
    const server = schemaServer({ refuse: true });
    renderConsole(<AppRoutes />, {
      fetch: server.fetch,
      path: '/datasources/default',
      route: null,
    });
    const user = userEvent.setup();

    const toggle = await screen.findByRole('checkbox', {
      name: 'Hide employees from the assistant',
    });
    await user.click(toggle);
    const alert = await within(toggle.closest('.hidden-toggle') as HTMLElement).findByRole('alert');
    expect(alert.textContent).toBe('hidden must be true or false');
    expect((toggle as HTMLInputElement).checked).toBe(false);
  });
});
