import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fail, ok, sdk, setSession, signIn } from '@/testing/descope-mock';
import { fakeApi } from '@/testing/fake-api';
import { renderApp } from '@/testing/render-app';

const ROLES = { '/get_roles': { body: { secretMessage: 'hi', roles: [] } } };

describe('/login', () => {
  it('shows a loading state while the session is checked', async () => {
    fakeApi();
    setSession({ isSessionLoading: true });
    renderApp('/login');
    expect(await screen.findByText('Checking your session…')).toBeInTheDocument();
    expect(screen.queryByLabelText('Email')).not.toBeInTheDocument();
  });

  it('shows the sign-in form to a signed-out visitor', async () => {
    fakeApi();
    renderApp('/login');
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
  });

  it('opens on the sign-up form with ?mode=signup', async () => {
    fakeApi();
    renderApp('/login?mode=signup');
    expect(await screen.findByRole('button', { name: 'Sign up' })).toBeInTheDocument();
  });

  it('goes to the profile once signed in', async () => {
    fakeApi(ROLES);
    sdk.password.signIn.mockImplementation(async () => {
      signIn({ name: 'Ada Lovelace', email: 'ada@example.com' });
      return ok({});
    });
    const { router } = renderApp('/login');
    await userEvent.type(await screen.findByLabelText('Email'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/profile'));
    expect(
      await screen.findByRole('heading', { name: 'Ada Lovelace' }),
    ).toBeInTheDocument();
  });

  it('returns to the page that asked for sign-in', async () => {
    fakeApi({
      '/get_role_data': { body: { valid_teacher: true, valid_student: false } },
    });
    const { router } = renderApp('/dashboard');
    await screen.findByRole('heading', { name: 'Sign in' });
    expect(screen.getByRole('status')).toHaveTextContent('Please sign in to continue.');
    sdk.password.signIn.mockImplementation(async () => {
      signIn();
      return ok({});
    });
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'pw');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/dashboard'));
  });

  it('sends a signed-in user straight to the profile', async () => {
    fakeApi(ROLES);
    signIn();
    const { router } = renderApp('/login');
    await waitFor(() => expect(router.state.location.pathname).toBe('/profile'));
  });

  it('ignores return paths that leave the app', async () => {
    fakeApi(ROLES);
    signIn();
    const { router } = renderApp('/login', { from: '//evil.example/x' });
    await waitFor(() => expect(router.state.location.pathname).toBe('/profile'));
  });

  it('signs in with a new password after an expired one, then continues', async () => {
    fakeApi(ROLES);
    sdk.password.signIn.mockResolvedValue(
      fail(401, { errorCode: 'E062909', errorDescription: 'Password expired' }),
    );
    sdk.password.replace.mockImplementation(async () => {
      signIn({ name: 'Administrator', email: 'admin@localhost' }, { roles: ['admin'] });
      return ok({});
    });
    const { router } = renderApp('/login');
    await userEvent.type(await screen.findByLabelText('Email'), 'admin@localhost');
    await userEvent.type(screen.getByLabelText('Password'), 'one-time');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await userEvent.type(
      await screen.findByLabelText('New password'),
      'a new admin passphrase',
    );
    await userEvent.type(
      screen.getByLabelText('Confirm new password'),
      'a new admin passphrase',
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Save password and sign in' }),
    );
    await waitFor(() => expect(router.state.location.pathname).toBe('/profile'));
    expect(
      await screen.findByRole('heading', { name: 'Administrator' }),
    ).toBeInTheDocument();
  });
});
