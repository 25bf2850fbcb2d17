import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fail, ok, sdk } from '@/testing/descope-mock';
import { LoginForm } from './login-form';

async function fillSignIn(email = 'ada@example.com', password = 'correct horse') {
  await userEvent.type(screen.getByLabelText('Email'), email);
  await userEvent.type(screen.getByLabelText('Password'), password);
}

describe('LoginForm', () => {
  it('has labelled email and password fields and a Sign in button', () => {
    render(<LoginForm />);
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.getByLabelText('Email')).toHaveAttribute('type', 'email');
    expect(screen.getByLabelText('Password')).toHaveAttribute('type', 'password');
    expect(screen.queryByLabelText('Name')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign in' })).toHaveAttribute(
      'type',
      'submit',
    );
  });

  it('signs in with the email and password through the SDK', async () => {
    sdk.password.signIn.mockResolvedValue(ok({ sessionJwt: 'x' }));
    render(<LoginForm />);
    await fillSignIn(' ada@example.com ');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(sdk.password.signIn).toHaveBeenCalledWith('ada@example.com', 'correct horse');
  });

  it('submits with the Enter key', async () => {
    sdk.password.signIn.mockResolvedValue(ok({}));
    render(<LoginForm />);
    await fillSignIn();
    await userEvent.keyboard('{Enter}');
    expect(sdk.password.signIn).toHaveBeenCalledTimes(1);
  });

  it('shows a busy button while signing in and ignores a second submit', async () => {
    let answer!: (value: unknown) => void;
    sdk.password.signIn.mockReturnValue(new Promise((resolve) => (answer = resolve)));
    render(<LoginForm />);
    await fillSignIn();
    const button = screen.getByRole('button', { name: 'Sign in' });
    await userEvent.click(button);
    expect(button).toBeDisabled();
    expect(button).toHaveAttribute('aria-busy', 'true');
    await userEvent.keyboard('{Enter}');
    expect(sdk.password.signIn).toHaveBeenCalledTimes(1);

    answer(fail(401, { errorDescription: 'Invalid credentials' }));
    await waitFor(() => expect(button).toBeEnabled());
  });

  it('says so when the password is wrong', async () => {
    sdk.password.signIn.mockResolvedValue(
      fail(401, { errorDescription: 'Invalid credentials' }),
    );
    render(<LoginForm />);
    await fillSignIn();
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong email or password');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  });

  it('says so when the server cannot be reached', async () => {
    sdk.password.signIn.mockRejectedValue(new TypeError('Failed to fetch'));
    render(<LoginForm />);
    await fillSignIn();
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not reach the server',
    );
  });

  it('switches to sign-up, which also asks for a name', async () => {
    render(<LoginForm />);
    await userEvent.click(screen.getByRole('button', { name: 'Create an account' }));
    expect(
      screen.getByRole('heading', { name: 'Create your account' }),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Name')).toBeRequired();
    expect(screen.getByLabelText('Password')).toHaveAttribute(
      'autocomplete',
      'new-password',
    );
    expect(screen.getByRole('button', { name: 'Sign up' })).toBeInTheDocument();
  });

  it('signs up with name, email and password', async () => {
    sdk.password.signUp.mockResolvedValue(ok({}));
    render(<LoginForm initialMode="signUp" />);
    await userEvent.type(screen.getByLabelText('Name'), 'Ada Lovelace');
    await fillSignIn('ada@example.com', 'a long passphrase');
    await userEvent.click(screen.getByRole('button', { name: 'Sign up' }));
    expect(sdk.password.signUp).toHaveBeenCalledWith(
      'ada@example.com',
      'a long passphrase',
      {
        name: 'Ada Lovelace',
        email: 'ada@example.com',
      },
    );
  });

  it('shows the server’s password rule when the password is too weak', async () => {
    sdk.password.signUp.mockResolvedValue(
      fail(400, {
        errorCode: 'E011003',
        errorDescription: 'Request is invalid',
        errorMessage: 'Password must be at least 8 characters long',
      }),
    );
    render(<LoginForm initialMode="signUp" />);
    await userEvent.type(screen.getByLabelText('Name'), 'Ada');
    await fillSignIn('ada@example.com', 'short');
    await userEvent.click(screen.getByRole('button', { name: 'Sign up' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Password must be at least 8 characters long',
    );
  });

  it('offers to sign in when the account already exists', async () => {
    sdk.password.signUp.mockResolvedValue(
      fail(409, { errorCode: 'E062107', errorDescription: 'User already exists' }),
    );
    render(<LoginForm initialMode="signUp" />);
    await userEvent.type(screen.getByLabelText('Name'), 'Ada');
    await fillSignIn();
    await userEvent.click(screen.getByRole('button', { name: 'Sign up' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('already exists');

    await userEvent.click(
      screen.getByRole('button', { name: 'Sign in with this email' }),
    );
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.getByLabelText('Email')).toHaveValue('ada@example.com');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('describes the server’s password policy when signing up', async () => {
    sdk.password.policy.mockResolvedValue(ok({ minLength: 10, number: true }));
    render(<LoginForm initialMode="signUp" />);
    expect(
      await screen.findByText('At least 10 characters, with a number.'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription(
      'At least 10 characters, with a number.',
    );
  });

  it('keeps a generic hint when the policy is unavailable', async () => {
    sdk.password.policy.mockRejectedValue(new TypeError('Failed to fetch'));
    render(<LoginForm initialMode="signUp" />);
    await waitFor(() => expect(sdk.password.policy).toHaveBeenCalled());
    expect(screen.getByText(/password you don’t use elsewhere/)).toBeInTheDocument();
  });

  it('shows a notice about why the person is here', () => {
    render(<LoginForm notice="You have signed out." />);
    expect(screen.getByRole('status')).toHaveTextContent('You have signed out.');
  });

  describe('when the password has expired (E062909)', () => {
    const EXPIRED = fail(401, {
      errorCode: 'E062909',
      errorDescription: 'Password expired',
      errorMessage: 'The password has expired and must be replaced before signing in',
    });

    async function reachNewPasswordStep() {
      sdk.password.signIn.mockResolvedValue(EXPIRED);
      render(<LoginForm />);
      await fillSignIn('admin@localhost', 'one-time-pw');
      await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
      await screen.findByRole('heading', { name: 'Choose a new password' });
    }

    async function choose(next: string, confirm = next) {
      await userEvent.type(screen.getByLabelText('New password'), next);
      await userEvent.type(screen.getByLabelText('Confirm new password'), confirm);
      await userEvent.click(
        screen.getByRole('button', { name: 'Save password and sign in' }),
      );
    }

    it('asks for a new password instead of showing an error', async () => {
      await reachNewPasswordStep();
      expect(screen.queryByRole('alert')).not.toBeInTheDocument();
      expect(screen.getByText('admin@localhost')).toBeInTheDocument();
      expect(screen.getByLabelText('New password')).toHaveFocus();
      expect(screen.getByLabelText('New password')).toHaveAttribute(
        'autocomplete',
        'new-password',
      );
      expect(screen.queryByLabelText('Email')).not.toBeInTheDocument();
    });

    it('replaces the password through the SDK, which signs the user in', async () => {
      sdk.password.replace.mockResolvedValue(ok({ sessionJwt: 'x' }));
      await reachNewPasswordStep();
      await choose('a brand new passphrase');
      expect(sdk.password.replace).toHaveBeenCalledWith(
        'admin@localhost',
        'one-time-pw',
        'a brand new passphrase',
      );
      expect(
        screen.getByRole('button', { name: 'Save password and sign in' }),
      ).toHaveAttribute('aria-busy', 'true');
    });

    it('checks that the two new passwords match', async () => {
      await reachNewPasswordStep();
      await choose('a brand new passphrase', 'a different one');
      expect(await screen.findByRole('alert')).toHaveTextContent('don’t match');
      expect(sdk.password.replace).not.toHaveBeenCalled();
    });

    it('refuses to reuse the expired password', async () => {
      await reachNewPasswordStep();
      await choose('one-time-pw');
      expect(await screen.findByRole('alert')).toHaveTextContent(
        'different from the one that expired',
      );
      expect(sdk.password.replace).not.toHaveBeenCalled();
    });

    it('shows the server’s password rule when the new one is too weak', async () => {
      sdk.password.replace.mockResolvedValue(
        fail(400, {
          errorCode: 'E011003',
          errorMessage: 'Password must be at least 8 characters long',
        }),
      );
      await reachNewPasswordStep();
      await choose('short');
      expect(await screen.findByRole('alert')).toHaveTextContent(
        'Password must be at least 8 characters long',
      );
      expect(
        screen.getByRole('button', { name: 'Save password and sign in' }),
      ).toBeEnabled();
    });

    it('explains when the old password is no longer accepted', async () => {
      sdk.password.replace.mockResolvedValue(fail(401, { errorCode: 'E062111' }));
      await reachNewPasswordStep();
      await choose('a brand new passphrase');
      expect(await screen.findByRole('alert')).toHaveTextContent('no longer accepted');
    });

    it('says so when the server cannot be reached', async () => {
      sdk.password.replace.mockRejectedValue(new TypeError('Failed to fetch'));
      await reachNewPasswordStep();
      await choose('a brand new passphrase');
      expect(await screen.findByRole('alert')).toHaveTextContent(
        'Could not reach the server',
      );
    });

    it('goes back to the sign-in form', async () => {
      await reachNewPasswordStep();
      await userEvent.click(screen.getByRole('button', { name: 'Back to sign in' }));
      expect(screen.getByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
      expect(screen.getByLabelText('Email')).toHaveValue('admin@localhost');
      expect(screen.getByLabelText('Password')).toHaveValue('');
    });
  });

  describe('when the account also has an authenticator app (E062801)', () => {
    const needsCode = () =>
      sdk.password.signIn.mockResolvedValue(
        fail(401, { errorCode: 'E062801', mfaTicket: 'ticket-1' }),
      );

    it('asks for the code and finishes the sign-in with the ticket', async () => {
      needsCode();
      sdk.totp.verify.mockResolvedValue(ok({ sessionJwt: 'x' }));
      render(<LoginForm />);
      await fillSignIn();
      await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
      const field = await screen.findByLabelText('Authenticator code');
      expect(
        screen.getByRole('heading', { name: 'Enter your code' }),
      ).toBeInTheDocument();
      expect(field).toHaveAttribute('autocomplete', 'one-time-code');
      expect(screen.queryByRole('alert')).not.toBeInTheDocument();
      await userEvent.type(field, '123 456');
      await userEvent.click(screen.getByRole('button', { name: 'Verify and sign in' }));
      expect(sdk.totp.verify).toHaveBeenCalledWith(
        'ada@example.com',
        '123456',
        undefined,
        'ticket-1',
      );
    });

    it('says so when the code is wrong, and goes back to the password', async () => {
      needsCode();
      sdk.totp.verify.mockResolvedValue(fail(401, { errorCode: 'E061102' }));
      render(<LoginForm />);
      await fillSignIn();
      await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
      await userEvent.type(await screen.findByLabelText('Authenticator code'), '000000');
      await userEvent.click(screen.getByRole('button', { name: 'Verify and sign in' }));
      expect(await screen.findByRole('alert')).toHaveTextContent(
        'That code is not right',
      );
      await userEvent.click(screen.getByRole('button', { name: 'Back to sign in' }));
      expect(screen.getByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
      expect(screen.getByLabelText('Password')).toHaveValue('');
    });
  });
});
