import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fail, ok, sdk, signIn } from '@/testing/descope-mock';
import { fakeApi } from '@/testing/fake-api';
import { renderApp } from '@/testing/render-app';

const ROLES = { '/get_roles': { body: { secretMessage: 'hi', roles: [] } } };

async function chooseEmailCode() {
  await userEvent.click(await screen.findByRole('button', { name: 'Email code' }));
  expect(screen.getByRole('button', { name: 'Email code' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
}

describe('/login with an email code', () => {
  it('sends a code, then signs in with it and goes to the profile', async () => {
    fakeApi(ROLES);
    sdk.otp.signUpOrIn.email.mockResolvedValue(ok({ maskedEmail: 'a***@example.com' }));
    sdk.otp.verify.email.mockImplementation(async () => {
      signIn({ name: 'Ada Lovelace', email: 'ada@example.com' });
      return ok({});
    });
    const { router } = renderApp('/login');
    await chooseEmailCode();
    await userEvent.type(screen.getByLabelText('Email'), ' ada@example.com ');
    await userEvent.click(screen.getByRole('button', { name: 'Email me a code' }));
    expect(sdk.otp.signUpOrIn.email).toHaveBeenCalledWith('ada@example.com');
    expect(await screen.findByText('a***@example.com')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Code from the email'), '123 456');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in with the code' }));
    expect(sdk.otp.verify.email).toHaveBeenCalledWith('ada@example.com', '123456');
    await waitFor(() => expect(router.state.location.pathname).toBe('/profile'));
  });

  it('says so when the code is wrong, and can start over', async () => {
    fakeApi();
    sdk.otp.signUpOrIn.email.mockResolvedValue(ok({ maskedEmail: 'a***@example.com' }));
    sdk.otp.verify.email.mockResolvedValue(fail(401, { errorCode: 'E061102' }));
    renderApp('/login');
    await chooseEmailCode();
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.click(screen.getByRole('button', { name: 'Email me a code' }));
    await userEvent.type(await screen.findByLabelText('Code from the email'), '000000');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in with the code' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/not right/);
    await userEvent.click(
      screen.getByRole('button', { name: 'Use a different email or send a new code' }),
    );
    expect(screen.getByRole('button', { name: 'Email me a code' })).toBeInTheDocument();
  });

  it('shows the server’s refusal to send, e.g. rate limiting', async () => {
    fakeApi();
    sdk.otp.signUpOrIn.email.mockResolvedValue(
      fail(429, { errorCode: 'E130429', retryAfter: 30 }),
    );
    renderApp('/login');
    await chooseEmailCode();
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.click(screen.getByRole('button', { name: 'Email me a code' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('wait 30 seconds');
    expect(screen.queryByLabelText('Code from the email')).not.toBeInTheDocument();
  });

  it('explains a network failure', async () => {
    fakeApi();
    sdk.otp.signUpOrIn.email.mockRejectedValue(new TypeError('Failed to fetch'));
    renderApp('/login');
    await chooseEmailCode();
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.click(screen.getByRole('button', { name: 'Email me a code' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not reach');
  });
});
