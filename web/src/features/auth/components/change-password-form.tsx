import { useId, useState, type FormEvent } from 'react';
import { Alert, Button, TextField } from '@/components/ui';
import { describePasswordPolicy } from '../api/password-policy';
import { usePasswordPolicy } from '../hooks/use-password-policy';
import { usePasswordReplace } from '../hooks/use-password-replace';

type ChangePasswordFormProps = {
  loginId: string;
  /** The expired (e.g. one-time) password the person just signed in with. */
  oldPassword: string;
  headingId: string;
  onBack: () => void;
};

/**
 * The "choose a new password" step after a sign-in answered E062909: the
 * password was right but has expired. Saving it signs the person in.
 */
export function ChangePasswordForm({
  loginId,
  oldPassword,
  headingId,
  onBack,
}: ChangePasswordFormProps) {
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const { replace, pending, error, setError } = usePasswordReplace();
  const policy = usePasswordPolicy(true);
  const errorId = useId();

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (next !== confirm) {
      setError({ message: 'The two new passwords don’t match.' });
      return;
    }
    if (next === oldPassword) {
      setError({ message: 'Choose a password different from the one that expired.' });
      return;
    }
    void replace(loginId, oldPassword, next);
  };

  return (
    <>
      <h1 id={headingId}>Choose a new password</h1>
      <p className="login__lead">
        The password for <strong>{loginId}</strong> was for one-time use or has expired.
        Choose a new one to finish signing in.
      </p>
      <form
        className="login__form"
        onSubmit={onSubmit}
        aria-describedby={error ? errorId : undefined}
        aria-busy={pending || undefined}
      >
        {/* Lets password managers save the new password for the right account. */}
        <input
          type="text"
          name="username"
          autoComplete="username"
          value={loginId}
          readOnly
          hidden
        />
        <TextField
          label="New password"
          name="new-password"
          type="password"
          autoComplete="new-password"
          required
          autoFocus
          hint={describePasswordPolicy(policy)}
          value={next}
          onChange={(e) => setNext(e.target.value)}
        />
        <TextField
          label="Confirm new password"
          name="confirm-password"
          type="password"
          autoComplete="new-password"
          required
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
        />
        {error && (
          <Alert tone="error" id={errorId}>
            <p>{error.message}</p>
          </Alert>
        )}
        <Button type="submit" block loading={pending}>
          Save password and sign in
        </Button>
      </form>
      <p className="login__switch">
        <Button variant="link" onClick={onBack}>
          Back to sign in
        </Button>
      </p>
    </>
  );
}
