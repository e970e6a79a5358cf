// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AppRoutes } from '../../../../admin/src/routes.js';
import { ADMIN_TOKEN } from '../../../support/adminToken.js';
import { fakeApi, page, renderConsole } from '../../support/harness.js';

const api = () =>
  fakeApi({
    'GET /api/session': (request) =>
      request.headers.get('authorization') === `Bearer ${ADMIN_TOKEN}`
        ? { body: { ok: true } }
        : {
            status: 401,
            body: { error: { code: 'UNAUTHORIZED', message: 'Invalid admin token.' } },
          },
    'GET /api/datasources': { body: page([]) },
    'GET /api/sql-pairs': { body: page([]) },
  });

describe('login', () => {
  it('says so when the token is wrong, and signs in with the right one', async () => {
    const server = api();
    renderConsole(<AppRoutes />, {
      fetch: server.fetch,
      path: '/sql-pairs',
      route: null,
      token: null,
    });
    const user = userEvent.setup();

    const token = await screen.findByLabelText('Admin token');
    await user.type(token, 'not-the-token');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('That token is not correct.')).toBeTruthy();
    expect(token.getAttribute('aria-invalid')).toBe('true');
    expect(sessionStorage.getItem('quarry.adminToken')).toBeNull();

    await user.clear(token);
    await user.type(token, ADMIN_TOKEN);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    // Back where the admin was going, with the token kept for this tab only.
    expect(await screen.findByRole('heading', { name: 'SQL pairs' })).toBeTruthy();
    expect(sessionStorage.getItem('quarry.adminToken')).toBe(ADMIN_TOKEN);
    expect(localStorage.getItem('quarry.adminToken')).toBeNull();
  });

  it('asks for a token before calling the server', async () => {
    const server = api();
    renderConsole(<AppRoutes />, { fetch: server.fetch, path: '/login', route: null, token: null });
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Enter the admin token.')).toBeTruthy();
    expect(server.requests).toHaveLength(0);
  });

  it('signs out, and a token the server stops accepting ends the session with a reason', async () => {
    const server = fakeApi({
      'GET /api/sql-pairs': {
        status: 401,
        body: { error: { code: 'UNAUTHORIZED', message: 'no' } },
      },
    });
    renderConsole(<AppRoutes />, { fetch: server.fetch, path: '/sql-pairs', route: null });
    expect(await screen.findByText(/Your session ended/)).toBeTruthy();
    expect(screen.getByLabelText('Admin token')).toBeTruthy();
  });

  it('remembers the token on this device only when asked to', async () => {
    const server = api();
    renderConsole(<AppRoutes />, { fetch: server.fetch, path: '/login', route: null, token: null });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Admin token'), ADMIN_TOKEN);
    await user.click(screen.getByLabelText('Keep me signed in on this device'));
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'Playground' })).toBeTruthy();
    expect(localStorage.getItem('quarry.adminToken')).toBe(ADMIN_TOKEN);

    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByLabelText('Admin token')).toBeTruthy();
    expect(localStorage.getItem('quarry.adminToken')).toBeNull();
  });
});
