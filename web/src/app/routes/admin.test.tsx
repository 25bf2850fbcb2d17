import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FORBIDDEN, UNAUTHORIZED, fakeMgmt, user } from '@/testing/admin-fixtures';
import { ok, sdk, setSession, signIn, signInAdmin } from '@/testing/descope-mock';
import { CONFIG } from '@/testing/fake-api';
import { renderApp } from '@/testing/render-app';

const mgmtCalls = (api: ReturnType<typeof fakeMgmt>) =>
  api.calls.filter((r) => new URL(r.url).pathname.includes('/mgmt/'));

describe('/admin access', () => {
  it('sends a signed-out visitor to /login', async () => {
    const api = fakeMgmt();
    const { router } = renderApp('/admin/users');
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    expect(mgmtCalls(api)).toHaveLength(0);
  });

  it('shows a loading state while the session is checked', async () => {
    fakeMgmt();
    setSession({ isSessionLoading: true });
    renderApp('/admin');
    expect(await screen.findByText('Checking your session…')).toBeInTheDocument();
  });

  it('tells a user without the admin role that they need it, without calling the API', async () => {
    const api = fakeMgmt();
    signIn({ name: 'Sam', email: 'sam@example.com' }, { roles: ['student'] });
    renderApp('/admin/users');
    expect(
      await screen.findByRole('heading', { name: 'You need the admin role' }),
    ).toBeInTheDocument();
    expect(screen.getByText('sam@example.com')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Go to your dashboard' })).toHaveAttribute(
      'href',
      '/dashboard',
    );
    expect(screen.queryByRole('heading', { name: 'Admin console' })).toBeNull();
    expect(mgmtCalls(api)).toHaveLength(0);
    // The title is set by an effect after the render; on a loaded machine it can lag.
    await waitFor(() => expect(document.title).toBe('Admin role needed · Gatehouse'));
  });

  it('opens on Users, with a tab per section', async () => {
    fakeMgmt({ users: [user('ada@example.com')] });
    signInAdmin();
    const { router } = renderApp('/admin');
    await waitFor(() => expect(router.state.location.pathname).toBe('/admin/users'));
    expect(screen.getByRole('heading', { name: 'Admin console' })).toBeInTheDocument();
    const tabs = screen.getByRole('navigation', { name: 'Admin sections' });
    expect(
      within(tabs)
        .getAllByRole('link')
        .map((l) => l.textContent),
    ).toEqual(['Users', 'Roles', 'Activity', 'Mailbox']);
    // The router's state can change a render before the links show it.
    await waitFor(() =>
      expect(within(tabs).getByRole('link', { name: 'Users' })).toHaveAttribute(
        'aria-current',
        'page',
      ),
    );
    await screen.findByRole('button', { name: 'Manage ada@example.com' });
    expect(document.title).toBe('Users · Admin · Gatehouse');
  });

  it('calls the management API with the admin’s own session, never a key', async () => {
    const api = fakeMgmt({ users: [user('ada@example.com')] });
    signInAdmin();
    renderApp('/admin/users');
    await screen.findByRole('button', { name: 'Manage ada@example.com' });
    const calls = mgmtCalls(api);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      expect(call.headers.get('Authorization')).toBe(
        `Bearer ${CONFIG.projectId}:session-jwt-1`,
      );
    }
  });

  it('shows the admin-role page when the server refuses the session (role removed)', async () => {
    fakeMgmt({
      routes: { '/v2/mgmt/user/search': FORBIDDEN, '/v1/mgmt/role/all': FORBIDDEN },
    });
    signInAdmin();
    renderApp('/admin/users');
    expect(
      await screen.findByRole('heading', { name: 'You need the admin role' }),
    ).toBeInTheDocument();
  });

  it('refreshes the session once when the API answers 401, then retries', async () => {
    let first = true;
    const api = fakeMgmt({
      users: [user('ada@example.com')],
      routes: {
        '/v1/mgmt/role/all': () => {
          if (first) {
            first = false;
            return UNAUTHORIZED;
          }
          return { body: { roles: [] } };
        },
      },
    });
    sdk.refresh.mockResolvedValue(ok({ sessionJwt: 'session-jwt-2' }) as never);
    signInAdmin();
    renderApp('/admin/users');
    await screen.findByRole('button', { name: 'Manage ada@example.com' });
    await waitFor(() => expect(api.callsTo('/v1/mgmt/role/all')).toHaveLength(2));
    expect(sdk.refresh).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('ends the session when the API keeps answering 401', async () => {
    fakeMgmt({
      routes: { '/v2/mgmt/user/search': UNAUTHORIZED, '/v1/mgmt/role/all': UNAUTHORIZED },
    });
    signInAdmin();
    const { router } = renderApp('/admin/users');
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    expect(sdk.logout).toHaveBeenCalled();
    expect(await screen.findByRole('status')).toHaveTextContent('Your session has ended');
  });

  it('shows the not-found page for unknown console paths', async () => {
    fakeMgmt();
    signInAdmin();
    renderApp('/admin/nothing-here');
    expect(
      await screen.findByRole('heading', { name: 'Page not found' }),
    ).toBeInTheDocument();
  });
});
