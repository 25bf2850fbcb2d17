import { useId, useState, type FormEvent } from 'react';
import { useDescope } from '@descope/react-sdk';
import { Alert, Button, Card, TextField } from '@/components/ui';
import { describeAccountError, NETWORK_MESSAGE } from '../api/account';

/**
 * Sets a new password for the signed-in user: `password.update(loginId, new)`
 * with the stored refresh token (the SDK adds it).
 */
export function ChangePasswordCard({
  loginId,
  hasPassword,
  notice,
}: {
  loginId: string;
  hasPassword: boolean;
  /** e.g. "Choose a new password" after a reset link. */
  notice?: string;
}) {
  const { password } = useDescope();
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const headingId = useId();

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setDone(false);
    if (next !== confirm) {
      setError('The two passwords are not the same.');
      return;
    }
    setPending(true);
    setError(null);
    try {
      const response = await password.update(loginId, next);
      if (response.ok) {
        setDone(true);
        setNext('');
        setConfirm('');
      } else {
        setError(describeAccountError(response));
      }
    } catch {
      setError(NETWORK_MESSAGE);
    } finally {
      setPending(false);
    }
  };

  return (
    <Card className="profile__panel" aria-labelledby={headingId}>
      <h2 id={headingId}>Password</h2>
      {notice && <Alert tone="info">{notice}</Alert>}
      <p className="account__status">
        {hasPassword ? 'You sign in with a password.' : 'No password set yet.'}
      </p>
      <form
        className="account__form"
        onSubmit={onSubmit}
        aria-busy={pending || undefined}
      >
        <TextField
          label="New password"
          name="new-password"
          type="password"
          autoComplete="new-password"
          required
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
          <Alert tone="error">
            <p>{error}</p>
          </Alert>
        )}
        {done && <Alert tone="success">Your password is changed.</Alert>}
        <Button type="submit" loading={pending}>
          {hasPassword ? 'Change password' : 'Set password'}
        </Button>
      </form>
    </Card>
  );
}
