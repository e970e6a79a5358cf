// @vitest-environment jsdom
import type { DataSourceView } from '@quarry/shared';
import { screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { DataSourceForm } from '../../../../admin/src/features/datasources/DataSourceForm.js';
import { fakeApi, renderConsole } from '../../support/harness.js';

const sales: DataSourceView = {
  id: 2,
  name: 'sales',
  url: 'mysql://reader:***@db.internal:3306/sales',
  has_password: true,
  description: 'Orders and customers',
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
};

const refused = {
  status: 400,
  body: {
    error: {
      code: 'BAD_REQUEST',
      message: 'Could not connect: Access denied for user reader',
      fields: { url: 'Access denied for user reader' },
    },
  },
};

describe('data source form', () => {
  it('checks the name and URL with the server’s rules before anything is sent', async () => {
    const server = fakeApi({});
    renderConsole(<DataSourceForm onSaved={() => undefined} onCancel={() => undefined} />, {
      fetch: server.fetch,
    });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Name'), 'Sales DB');
    await user.type(screen.getByLabelText('Connection URL'), 'oracle://x');
    await user.click(screen.getByRole('button', { name: 'Test and save' }));

    expect(await screen.findByText(/name must start with a lower-case letter/)).toBeTruthy();
    expect(
      screen.getByText(/url uses the unsupported scheme "oracle:" \(write mysql:\/\//),
    ).toBeTruthy();
    expect(server.requests).toHaveLength(0);
  });

  it('does not save a data source it cannot connect to', async () => {
    const server = fakeApi({ 'POST /api/datasources/test': refused });
    const onSaved = vi.fn();
    renderConsole(<DataSourceForm onSaved={onSaved} onCancel={() => undefined} />, {
      fetch: server.fetch,
    });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Name'), 'sales');
    await user.type(
      screen.getByLabelText('Connection URL'),
      'mysql://reader:wrong@db.internal:3306/sales',
    );
    await user.click(screen.getByRole('button', { name: 'Test and save' }));

    expect((await screen.findByRole('alert')).textContent).toBe(
      'Could not connect: Access denied for user reader',
    );
    expect(server.sent('POST /api/datasources')).toHaveLength(0);
    expect(onSaved).not.toHaveBeenCalled();
  });

  it('tests the connection, then saves', async () => {
    const server = fakeApi({
      'POST /api/datasources/test': { body: { ok: true } },
      'POST /api/datasources': { status: 201, body: sales },
    });
    const onSaved = vi.fn();
    renderConsole(<DataSourceForm onSaved={onSaved} onCancel={() => undefined} />, {
      fetch: server.fetch,
    });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Name'), 'sales');
    await user.type(
      screen.getByLabelText('Connection URL'),
      'mysql://reader:secret@db.internal:3306/sales',
    );
    await user.type(screen.getByLabelText('Description'), 'Orders and customers');
    await user.click(screen.getByRole('button', { name: 'Test and save' }));

    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(sales));
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/datasources/test',
      'POST /api/datasources',
    ]);
    expect(server.sent('POST /api/datasources/test')[0]?.body).toEqual({
      url: 'mysql://reader:secret@db.internal:3306/sales',
    });
    expect(server.sent('POST /api/datasources')[0]?.body).toEqual({
      name: 'sales',
      url: 'mysql://reader:secret@db.internal:3306/sales',
      description: 'Orders and customers',
    });
  });

  it('edits with the password masked, tests by name so the stored password is used, and never renames', async () => {
    const server = fakeApi({
      'POST /api/datasources/test': { body: { ok: true } },
      'PUT /api/datasources/2': { body: sales },
    });
    const onSaved = vi.fn();
    renderConsole(<DataSourceForm source={sales} onSaved={onSaved} onCancel={() => undefined} />, {
      fetch: server.fetch,
    });
    const user = userEvent.setup();
    expect((screen.getByLabelText('Name') as HTMLInputElement).readOnly).toBe(true);
    expect((screen.getByLabelText('Connection URL') as HTMLInputElement).value).toBe(sales.url);
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(await screen.findByText('Connected.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Test and save' }));

    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    // Tested once: a URL that already connected is not tested again.
    expect(server.sent('POST /api/datasources/test')).toHaveLength(1);
    expect(server.sent('POST /api/datasources/test')[0]?.body).toEqual({
      url: sales.url,
      name: 'sales',
    });
    expect(server.sent('PUT /api/datasources/2')[0]?.body).toEqual({
      url: sales.url,
      description: 'Orders and customers',
    });
  });
});
