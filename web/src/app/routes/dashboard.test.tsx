import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ok, sdk, setSession, signIn } from '@/testing/descope-mock';
import { fakeApi, sequence } from '@/testing/fake-api';
import { renderApp } from '@/testing/render-app';

const roleData = (valid_teacher: boolean, valid_student: boolean) => ({
  body: { valid_teacher, valid_student },
});

describe('/dashboard', () => {
  it('sends a signed-out visitor to /login', async () => {
    fakeApi();
    const { router } = renderApp('/dashboard');
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
  });

  it('shows a loading state while the session is checked', async () => {
    fakeApi();
    setSession({ isSessionLoading: true });
    renderApp('/dashboard');
    expect(await screen.findByText('Checking your session…')).toBeInTheDocument();
  });

  it('shows a loading state while the role data loads', async () => {
    fakeApi({ '/get_role_data': () => new Promise(() => {}) as never });
    signIn();
    renderApp('/dashboard');
    expect(await screen.findByText('Loading your dashboard…')).toBeInTheDocument();
  });

  it('shows the teacher view to a teacher', async () => {
    const api = fakeApi({ '/get_role_data': roleData(true, false) });
    signIn();
    renderApp('/dashboard');
    expect(
      await screen.findByRole('heading', { name: 'Teacher view' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('heading', { name: 'Student view' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('heading', { name: 'No role yet' }),
    ).not.toBeInTheDocument();
    expect(api.callsTo('/get_role_data')[0]!.headers.get('Authorization')).toBe(
      'Bearer session-jwt-1',
    );
  });

  it('shows the student view to a student', async () => {
    fakeApi({ '/get_role_data': roleData(false, true) });
    signIn();
    renderApp('/dashboard');
    expect(
      await screen.findByRole('heading', { name: 'Student view' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('heading', { name: 'Teacher view' }),
    ).not.toBeInTheDocument();
  });

  it('shows both views to someone with both roles', async () => {
    fakeApi({ '/get_role_data': roleData(true, true) });
    signIn();
    renderApp('/dashboard');
    expect(
      await screen.findByRole('heading', { name: 'Teacher view' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Student view' })).toBeInTheDocument();
  });

  it('explains how roles are assigned when the user has none', async () => {
    fakeApi({ '/get_role_data': roleData(false, false) });
    signIn({ name: 'Ada', email: 'ada@example.com' });
    renderApp('/dashboard');
    expect(
      await screen.findByRole('heading', { name: 'No role yet' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('gatehouse user set-roles --data DIR ada@example.com teacher'),
    ).toBeInTheDocument();
    expect(screen.getByText(/in the admin console/)).toBeInTheDocument();
  });

  it('picks up a newly granted role with Check again', async () => {
    const api = fakeApi({
      '/get_role_data': sequence(roleData(false, false), roleData(true, false)),
    });
    sdk.refresh.mockResolvedValue(ok({ sessionJwt: 'session-jwt-2' }) as never);
    signIn();
    renderApp('/dashboard');
    await userEvent.click(await screen.findByRole('button', { name: 'Check again' }));
    expect(
      await screen.findByRole('heading', { name: 'Teacher view' }),
    ).toBeInTheDocument();
    expect(sdk.refresh).toHaveBeenCalledTimes(1);
    expect(api.callsTo('/get_role_data')).toHaveLength(2);
  });

  it('follows new roles that arrive with a session refresh, without a reload', async () => {
    const api = fakeApi({
      '/get_role_data': sequence(roleData(false, true), roleData(true, false)),
    });
    signIn({ name: 'Sam', email: 'sam@example.com' }, { roles: ['student'] });
    renderApp('/dashboard');
    await screen.findByRole('heading', { name: 'Student view' });
    // The SDK's background refresh publishes a token with the new roles.
    act(() =>
      setSession({ claims: { roles: ['teacher'] }, sessionToken: 'session-jwt-2' }),
    );
    expect(
      await screen.findByRole('heading', { name: 'Teacher view' }),
    ).toBeInTheDocument();
    expect(api.callsTo('/get_role_data')).toHaveLength(2);
  });

  it('returns to /login when the API answers 401', async () => {
    fakeApi({
      '/get_role_data': { status: 401, body: { error: '❌ invalid session token!' } },
    });
    signIn();
    const { router } = renderApp('/dashboard');
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    expect(await screen.findByRole('status')).toHaveTextContent('Your session has ended');
  });

  it('offers a retry when the API is down', async () => {
    fakeApi({ '/get_role_data': sequence('network-error', roleData(false, true)) });
    signIn();
    renderApp('/dashboard');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The server did not answer',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(
      await screen.findByRole('heading', { name: 'Student view' }),
    ).toBeInTheDocument();
  });
});
