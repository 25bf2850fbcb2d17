import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fail, jsonResponse, ok, sdk, signIn } from '@/testing/descope-mock';
import { fakeApi } from '@/testing/fake-api';
import { renderApp } from '@/testing/render-app';

const ADA = {
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  password: true,
  verifiedEmail: true,
};

function card(name: string) {
  return screen.getByRole('heading', { name }).closest('section, div.card, article')!;
}

async function openAccount(user: Parameters<typeof signIn>[0] = ADA, path = '/account') {
  fakeApi();
  signIn(user);
  const view = renderApp(path);
  await screen.findByRole('heading', { name: 'Account' });
  return view;
}

describe('/account', () => {
  beforeEach(() => {
    vi.stubGlobal('PublicKeyCredential', function PublicKeyCredential() {});
  });

  it('sends a signed-out visitor to /login', async () => {
    fakeApi();
    const { router } = renderApp('/account');
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
  });

  it('is linked from the profile', async () => {
    fakeApi({ '/get_roles': { body: { secretMessage: 'hi', roles: [] } } });
    signIn(ADA);
    renderApp('/profile');
    expect(await screen.findByRole('link', { name: 'Account settings' })).toHaveAttribute(
      'href',
      '/account',
    );
  });

  it('changes the password with password.update', async () => {
    await openAccount();
    sdk.password.update.mockResolvedValue(ok({}));
    expect(screen.getByText('You sign in with a password.')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('New password'), 'a new passphrase');
    await userEvent.type(screen.getByLabelText('Confirm new password'), 'a new typo');
    await userEvent.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('not the same');
    expect(sdk.password.update).not.toHaveBeenCalled();
    await userEvent.clear(screen.getByLabelText('Confirm new password'));
    await userEvent.type(
      screen.getByLabelText('Confirm new password'),
      'a new passphrase',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('Your password is changed.')).toBeInTheDocument();
    expect(sdk.password.update).toHaveBeenCalledWith(
      'ada@example.com',
      'a new passphrase',
    );
  });

  it('shows the reset notice after a reset link', async () => {
    await openAccount(ADA, '/account?reset=1');
    expect(screen.getByText(/choose a new password/)).toBeInTheDocument();
  });

  it('shows the server’s password policy refusal', async () => {
    await openAccount();
    sdk.password.update.mockResolvedValue(
      fail(400, { errorCode: 'E011003', errorDescription: 'Password is too short' }),
    );
    await userEvent.type(screen.getByLabelText('New password'), 'short');
    await userEvent.type(screen.getByLabelText('Confirm new password'), 'short');
    await userEvent.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Password is too short');
  });

  it('adds a passkey with webauthn.update and reloads the user', async () => {
    await openAccount();
    sdk.webauthn.update.mockResolvedValue(ok({}));
    expect(screen.getByText('No passkey yet.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Add a passkey' }));
    expect(await screen.findByText('Your passkey is added.')).toBeInTheDocument();
    expect(sdk.webauthn.update).toHaveBeenCalledWith('ada@example.com');
    expect(sdk.me).toHaveBeenCalled();
  });

  it('says when the account has a passkey, and explains a closed prompt', async () => {
    await openAccount({ ...ADA, webauthn: true });
    expect(screen.getByText(/You have a passkey/)).toBeInTheDocument();
    sdk.webauthn.update.mockRejectedValue(new DOMException('no', 'NotAllowedError'));
    await userEvent.click(screen.getByRole('button', { name: 'Add a passkey' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('closed or timed out');
  });

  it('changes the email with a code sent to the new address', async () => {
    await openAccount();
    sdk.otp.update.email.mockResolvedValue(ok({ maskedEmail: 'a***@new.example' }));
    sdk.otp.verify.email
      .mockResolvedValueOnce(fail(401, { errorCode: 'E061102' }))
      .mockResolvedValueOnce(ok({}));
    expect(screen.getByText('(verified)')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('New email'), 'ada@new.example');
    await userEvent.click(
      screen.getByRole('button', { name: 'Send a code to the new address' }),
    );
    expect(sdk.otp.update.email).toHaveBeenCalledWith(
      'ada@example.com',
      'ada@new.example',
    );
    await userEvent.type(
      await screen.findByLabelText('Code sent to the new address'),
      '111111',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Confirm new email' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('not right');
    await userEvent.clear(screen.getByLabelText('Code sent to the new address'));
    await userEvent.type(screen.getByLabelText('Code sent to the new address'), '123456');
    await userEvent.click(screen.getByRole('button', { name: 'Confirm new email' }));
    expect(
      await screen.findByText('Your email is now ada@new.example.'),
    ).toBeInTheDocument();
    expect(sdk.otp.verify.email).toHaveBeenLastCalledWith('ada@example.com', '123456');
    expect(sdk.me).toHaveBeenCalled();
  });

  it('lists recent sign-ins', async () => {
    fakeApi();
    sdk.history.mockResolvedValue(
      ok([
        { userId: 'U1', loginTime: 1_700_000_000, city: '', country: '', ip: '10.0.0.7' },
      ]),
    );
    signIn(ADA);
    renderApp('/account');
    const list = await screen.findByRole('list', { name: 'Recent sign-ins' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(1);
    expect(list).toHaveTextContent('10.0.0.7');
  });

  it('says when the server has no sign-in history (404)', async () => {
    fakeApi();
    sdk.history.mockResolvedValue(fail(404, {}));
    signIn(ADA);
    renderApp('/account');
    expect(
      await screen.findByText('This server does not keep a sign-in history yet.'),
    ).toBeInTheDocument();
  });

  it('keeps the authenticator app panel', async () => {
    await openAccount();
    expect(card('Authenticator app')).toBeTruthy();
    expect(
      screen.getByRole('button', { name: 'Set up authenticator app' }),
    ).toBeInTheDocument();
  });

  it('removes the passkeys after a confirmation, with the refresh token', async () => {
    await openAccount({ ...ADA, webauthn: true });
    await userEvent.click(screen.getByRole('button', { name: 'Remove passkeys' }));
    expect(sdk.httpClient.post).not.toHaveBeenCalled();
    sdk.httpClient.post.mockResolvedValueOnce(
      jsonResponse(401, { errorCode: 'E061005' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Yes, remove them' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Your session has ended');
    sdk.httpClient.post.mockResolvedValueOnce(jsonResponse(200, { removed: 1 }));
    await userEvent.click(screen.getByRole('button', { name: 'Yes, remove them' }));
    expect(await screen.findByText(/Your passkeys are removed/)).toBeInTheDocument();
    expect(sdk.httpClient.post).toHaveBeenLastCalledWith(
      '/v1/auth/me/passkeys/delete',
      {},
      { token: 'refresh-jwt-1' },
    );
    expect(screen.getByText('No passkey yet.')).toBeInTheDocument();
    expect(sdk.me).toHaveBeenCalled();
  });

  it('keeps the passkeys when the confirmation is declined', async () => {
    await openAccount({ ...ADA, webauthn: true });
    await userEvent.click(screen.getByRole('button', { name: 'Remove passkeys' }));
    await userEvent.click(screen.getByRole('button', { name: 'Keep them' }));
    expect(sdk.httpClient.post).not.toHaveBeenCalled();
    expect(screen.getByText(/You have a passkey/)).toBeInTheDocument();
  });

  it('offers no removal without a passkey', async () => {
    await openAccount();
    expect(
      screen.queryByRole('button', { name: 'Remove passkeys' }),
    ).not.toBeInTheDocument();
  });

  it('turns the authenticator app off with a code from it', async () => {
    await openAccount({ ...ADA, TOTP: true });
    sdk.httpClient.post.mockResolvedValueOnce(
      jsonResponse(401, { errorCode: 'E061102' }),
    );
    const field = screen.getByLabelText('Code from the app, to turn it off');
    await userEvent.type(field, '111 111');
    await userEvent.click(
      screen.getByRole('button', { name: 'Turn off authenticator app' }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent('not right');
    expect(sdk.httpClient.post).toHaveBeenLastCalledWith(
      '/v1/auth/me/totp/delete',
      { code: '111111' },
      { token: 'refresh-jwt-1' },
    );
    sdk.httpClient.post.mockResolvedValueOnce(jsonResponse(200, {}));
    await userEvent.click(
      screen.getByRole('button', { name: 'Turn off authenticator app' }),
    );
    expect(await screen.findByText(/turned off/)).toBeInTheDocument();
    expect(sdk.me).toHaveBeenCalled();
  });

  it('offers turning off only to an account with an app', async () => {
    await openAccount();
    expect(
      screen.queryByRole('button', { name: 'Turn off authenticator app' }),
    ).not.toBeInTheDocument();
  });
});
