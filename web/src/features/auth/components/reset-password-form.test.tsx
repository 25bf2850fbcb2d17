import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fail, ok, sdk, signIn } from '@/testing/descope-mock';
import { fakeApi } from '@/testing/fake-api';
import { renderApp } from '@/testing/render-app';

describe('/login: forgot password', () => {
  it('sends a reset link to /verify?reset=1, keeping the typed email', async () => {
    fakeApi();
    sdk.password.sendReset.mockResolvedValue(ok({ maskedEmail: 'a***@example.com' }));
    renderApp('/login');
    await userEvent.type(await screen.findByLabelText('Email'), 'ada@example.com');
    await userEvent.click(screen.getByRole('button', { name: 'Forgot password?' }));
    expect(
      screen.getByRole('heading', { name: 'Reset your password' }),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Email')).toHaveValue('ada@example.com');
    await userEvent.click(screen.getByRole('button', { name: 'Email me a reset link' }));
    expect(sdk.password.sendReset).toHaveBeenCalledWith(
      'ada@example.com',
      `${window.location.origin}/verify?reset=1`,
    );
    expect(await screen.findByText('Check your email')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Back to sign in' }));
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
  });

  it('says so when the server has no password reset (404)', async () => {
    fakeApi();
    sdk.password.sendReset.mockResolvedValue(fail(404, { errorCode: 'E011404' }));
    renderApp('/login');
    await userEvent.click(
      await screen.findByRole('button', { name: 'Forgot password?' }),
    );
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.click(screen.getByRole('button', { name: 'Email me a reset link' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('does not offer');
  });

  it('a reset link signs in and opens the account page to choose a password', async () => {
    fakeApi();
    sdk.magicLink.verify.mockImplementation(async () => {
      signIn({ name: 'Ada Lovelace', email: 'ada@example.com' });
      return ok({});
    });
    const { router } = renderApp('/verify?reset=1&t=tok');
    await waitFor(() => expect(router.state.location.pathname).toBe('/account'));
    expect(await screen.findByText(/choose a new password/)).toBeInTheDocument();
  });
});
