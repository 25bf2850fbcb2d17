import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fail, ok, sdk, signIn } from '@/testing/descope-mock';
import { fakeApi } from '@/testing/fake-api';
import { renderApp } from '@/testing/render-app';

const ROLES = { '/get_roles': { body: { secretMessage: 'hi', roles: [] } } };

async function continueWithPasskey(email = 'ada@example.com') {
  await userEvent.click(await screen.findByRole('button', { name: 'Passkey' }));
  await userEvent.type(screen.getByLabelText('Email'), email);
  await userEvent.click(screen.getByRole('button', { name: 'Continue with a passkey' }));
}

describe('/login with a passkey', () => {
  beforeEach(() => {
    // jsdom has no WebAuthn; the SDK (mocked here) is what would call it.
    vi.stubGlobal('PublicKeyCredential', function PublicKeyCredential() {});
  });

  it('signs up or in with webauthn.signUpOrIn and goes to the profile', async () => {
    fakeApi(ROLES);
    sdk.webauthn.signUpOrIn.mockImplementation(async () => {
      signIn({ name: 'Ada Lovelace', email: 'ada@example.com' });
      return ok({});
    });
    const { router } = renderApp('/login');
    await continueWithPasskey(' ada@example.com');
    expect(sdk.webauthn.signUpOrIn).toHaveBeenCalledWith('ada@example.com');
    await waitFor(() => expect(router.state.location.pathname).toBe('/profile'));
  });

  it('signs in with a saved passkey without an email (webauthn.signIn with "")', async () => {
    fakeApi(ROLES);
    sdk.webauthn.signIn.mockImplementation(async () => {
      signIn({ name: 'Ada Lovelace', email: 'ada@example.com' });
      return ok({});
    });
    const { router } = renderApp('/login');
    await userEvent.click(await screen.findByRole('button', { name: 'Passkey' }));
    await userEvent.click(
      screen.getByRole('button', { name: 'Sign in with a saved passkey, no email' }),
    );
    expect(sdk.webauthn.signIn).toHaveBeenCalledWith('');
    expect(sdk.webauthn.signUpOrIn).not.toHaveBeenCalled();
    await waitFor(() => expect(router.state.location.pathname).toBe('/profile'));
  });

  it('explains a closed or timed-out passkey prompt', async () => {
    fakeApi();
    sdk.webauthn.signUpOrIn.mockRejectedValue(
      new DOMException(
        'The operation either timed out or was not allowed.',
        'NotAllowedError',
      ),
    );
    renderApp('/login');
    await continueWithPasskey();
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The passkey prompt was closed or timed out',
    );
  });

  it('explains a passkey the server refused', async () => {
    fakeApi();
    sdk.webauthn.signUpOrIn.mockResolvedValue(
      fail(401, { errorCode: 'E062111', errorDescription: 'origin_mismatch' }),
    );
    renderApp('/login');
    await continueWithPasskey();
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'passkey was not accepted',
    );
  });

  it('says so when the server has no passkey endpoints (404)', async () => {
    fakeApi();
    sdk.webauthn.signUpOrIn.mockResolvedValue(fail(404, {}));
    renderApp('/login');
    await continueWithPasskey();
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'does not offer that way of signing in',
    );
  });

  it('tells browsers without WebAuthn to choose another way', async () => {
    vi.unstubAllGlobals();
    fakeApi();
    renderApp('/login');
    await userEvent.click(await screen.findByRole('button', { name: 'Passkey' }));
    expect(screen.getByText(/does not support passkeys/)).toBeInTheDocument();
    expect(screen.queryByLabelText('Email')).not.toBeInTheDocument();
  });
});
