import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ok, sdk, setSession, signIn } from '@/testing/descope-mock';
import { fakeApi, sequence } from '@/testing/fake-api';
import { renderApp } from '@/testing/render-app';

const SECRET = 'You are now a trained Descope user!';
const UNAUTHORIZED = { status: 401, body: { error: '❌ invalid session token!' } };

describe('/profile', () => {
  it('sends a signed-out visitor to /login', async () => {
    fakeApi();
    const { router } = renderApp('/profile');
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
  });

  it('shows a loading state while the session is checked', async () => {
    const api = fakeApi();
    setSession({ isSessionLoading: true });
    renderApp('/profile');
    expect(await screen.findByText('Checking your session…')).toBeInTheDocument();
    expect(api.callsTo('/get_roles')).toHaveLength(0);
  });

  it('shows placeholders while the details load', async () => {
    fakeApi({ '/get_roles': () => new Promise(() => {}) as never });
    signIn();
    setSession({ user: undefined, isUserLoading: true });
    renderApp('/profile');
    expect(await screen.findByRole('button', { name: 'Log out' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Secret message' })).toBeInTheDocument();
    expect(screen.queryByText(SECRET)).not.toBeInTheDocument();
    expect(document.querySelectorAll('[aria-busy="true"]').length).toBeGreaterThan(0);
  });

  it('shows the name, email, secret message and roles of a signed-in user', async () => {
    const api = fakeApi({
      '/get_roles': { body: { secretMessage: SECRET, roles: ['teacher', 'student'] } },
    });
    signIn({ name: 'Ada Lovelace', email: 'ada@example.com' });
    renderApp('/profile');
    expect(await screen.findByText(SECRET)).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { level: 1, name: 'Ada Lovelace' }),
    ).toBeInTheDocument();
    expect(screen.getByText('ada@example.com')).toBeInTheDocument();
    const roles = screen.getByRole('list', { name: 'Your roles' });
    expect(
      within(roles)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['teacher', 'student']);
    const [request] = api.callsTo('/get_roles');
    expect(request!.headers.get('Authorization')).toBe('Bearer session-jwt-1');
  });

  it('says when the user has no role yet', async () => {
    fakeApi({ '/get_roles': { body: { secretMessage: SECRET, roles: [] } } });
    signIn();
    renderApp('/profile');
    expect(await screen.findByText('No role yet.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'See how' })).toHaveAttribute(
      'href',
      '/dashboard',
    );
  });

  it('falls back to the login id when the user has no email field', async () => {
    fakeApi({ '/get_roles': { body: { secretMessage: SECRET, roles: [] } } });
    signIn({ name: 'Bob', loginIds: ['bob@example.com'] });
    renderApp('/profile');
    expect(await screen.findByText('bob@example.com')).toBeInTheDocument();
  });

  it('retries once after a session refresh when the API answers 401', async () => {
    const api = fakeApi({
      '/get_roles': sequence(UNAUTHORIZED, {
        body: { secretMessage: SECRET, roles: [] },
      }),
    });
    sdk.refresh.mockResolvedValue(ok({ sessionJwt: 'session-jwt-2' }) as never);
    signIn();
    renderApp('/profile');
    expect(await screen.findByText(SECRET)).toBeInTheDocument();
    expect(sdk.refresh).toHaveBeenCalledTimes(1);
    expect(api.callsTo('/get_roles')).toHaveLength(2);
  });

  it('ends the session and returns to /login when the API keeps answering 401', async () => {
    fakeApi({ '/get_roles': UNAUTHORIZED });
    signIn();
    const { router } = renderApp('/profile');
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    expect(sdk.logout).toHaveBeenCalled();
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Your session has ended. Please sign in again.',
    );
  });

  it('offers a retry when the API is down', async () => {
    fakeApi({
      '/get_roles': sequence('network-error', {
        body: { secretMessage: SECRET, roles: [] },
      }),
    });
    signIn();
    renderApp('/profile');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The server did not answer',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText(SECRET)).toBeInTheDocument();
  });

  it('treats a 5xx answer as the API being down', async () => {
    fakeApi({ '/get_roles': { status: 502, body: { error: 'bad gateway' } } });
    signIn();
    renderApp('/profile');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The server did not answer',
    );
  });

  it('logs out and returns to /login', async () => {
    fakeApi({ '/get_roles': { body: { secretMessage: SECRET, roles: [] } } });
    signIn();
    const { router } = renderApp('/profile');
    await userEvent.click(await screen.findByRole('button', { name: 'Log out' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    expect(sdk.logout).toHaveBeenCalledTimes(1);
    expect(await screen.findByRole('status')).toHaveTextContent('You have signed out.');
  });

  it('says the session ended when the SDK drops it (e.g. revoked elsewhere)', async () => {
    fakeApi({ '/get_roles': { body: { secretMessage: SECRET, roles: [] } } });
    signIn();
    const { router } = renderApp('/profile');
    await screen.findByText(SECRET);
    act(() => setSession({ isAuthenticated: false, user: undefined, sessionToken: '' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    expect(await screen.findByRole('status')).toHaveTextContent('Your session has ended');
    expect(router.state.location.state).toEqual({
      from: '/profile',
      reason: 'session-ended',
    });
  });

  it('stays signed in and says so when logging out cannot reach the server', async () => {
    fakeApi({ '/get_roles': { body: { secretMessage: SECRET, roles: [] } } });
    sdk.logout.mockRejectedValue(new TypeError('Failed to fetch'));
    signIn();
    const { router } = renderApp('/profile');
    await userEvent.click(await screen.findByRole('button', { name: 'Log out' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not reach the server',
    );
    expect(router.state.location.pathname).toBe('/profile');
  });

  it('sets up an authenticator app and shows its QR code and key', async () => {
    fakeApi({ '/get_roles': { body: { secretMessage: SECRET, roles: [] } } });
    sdk.totp.update.mockResolvedValue(
      ok({
        image: 'iVBORw0KGgo',
        key: 'JBSWY3DPEHPK3PXP',
        provisioningURL: 'otpauth://x',
      }),
    );
    signIn();
    renderApp('/profile');
    await userEvent.click(
      await screen.findByRole('button', { name: 'Set up authenticator app' }),
    );
    expect(sdk.totp.update).toHaveBeenCalledWith('ada@example.com');
    const qr = await screen.findByRole('img', {
      name: 'QR code for your authenticator app',
    });
    expect(qr).toHaveAttribute('src', 'data:image/png;base64,iVBORw0KGgo');
    expect(screen.getByLabelText('Authenticator key')).toHaveTextContent(
      'JBSWY3DPEHPK3PXP',
    );

    sdk.totp.verify.mockResolvedValueOnce({
      ok: false,
      code: 401,
      error: { errorCode: 'E061102' },
    });
    await userEvent.type(screen.getByLabelText('Code from the app'), '000000');
    await userEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('not right');

    sdk.totp.verify.mockResolvedValueOnce(ok({ sessionJwt: 'x' }));
    await userEvent.clear(screen.getByLabelText('Code from the app'));
    await userEvent.type(screen.getByLabelText('Code from the app'), '123 456');
    await userEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Your authenticator app is set up',
    );
    expect(sdk.totp.verify).toHaveBeenLastCalledWith('ada@example.com', '123456');
  });

  it('says so when the authenticator app cannot be set up', async () => {
    fakeApi({ '/get_roles': { body: { secretMessage: SECRET, roles: [] } } });
    sdk.totp.update.mockResolvedValue({
      ok: false,
      code: 401,
      error: { errorCode: 'E064001', errorMessage: 'Token revoked' },
    });
    signIn();
    renderApp('/profile');
    await userEvent.click(
      await screen.findByRole('button', { name: 'Set up authenticator app' }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent('Token revoked');
  });
});
