import { useId, useState, type FormEvent } from 'react';
import { useDescope } from '@descope/react-sdk';
import { Alert, Button, Card, TextField } from '@/components/ui';
import { describeAccountError, NETWORK_MESSAGE } from '../api/account';

/**
 * Changes the account's email, proven by a code sent to the new address:
 * `otp.update.email(loginId, newEmail)` (refresh token), then
 * `otp.verify.email(loginId, code)` with the user's own login id.
 */
export function ChangeEmailCard({
  loginId,
  email,
  verified,
  onChanged,
}: {
  loginId: string;
  email: string;
  verified: boolean;
  onChanged: () => void;
}) {
  const { otp } = useDescope();
  const [next, setNext] = useState('');
  const [code, setCode] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const headingId = useId();

  const attempt = async (call: () => Promise<void>) => {
    setPending(true);
    setError(null);
    try {
      await call();
    } catch {
      setError(NETWORK_MESSAGE);
    } finally {
      setPending(false);
    }
  };

  const send = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setDone(null);
    void attempt(async () => {
      const response = await otp.update.email(loginId, next.trim());
      if (!response.ok) return setError(describeAccountError(response));
      const masked = (response.data as { maskedEmail?: string } | undefined)?.maskedEmail;
      setSentTo(masked || next.trim());
    });
  };

  const verify = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void attempt(async () => {
      const response = await otp.verify.email(loginId, code.replace(/\s/g, ''));
      if (!response.ok) {
        return setError(
          describeAccountError(
            response,
            'That code is not right, has expired, or was already used.',
          ),
        );
      }
      setDone(next.trim());
      setSentTo(null);
      setNext('');
      setCode('');
      onChanged();
    });
  };

  return (
    <Card className="profile__panel" aria-labelledby={headingId}>
      <h2 id={headingId}>Email</h2>
      <p className="account__status">
        <strong>{email}</strong> {verified ? '(verified)' : '(not verified)'}
      </p>
      {done && <Alert tone="success">Your email is now {done}.</Alert>}
      {sentTo ? (
        <form
          className="account__form"
          onSubmit={verify}
          aria-busy={pending || undefined}
        >
          <p>
            We sent a code to <strong>{sentTo}</strong>.
          </p>
          <TextField
            label="Code sent to the new address"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            required
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          {error && (
            <Alert tone="error">
              <p>{error}</p>
            </Alert>
          )}
          <div className="account__buttons">
            <Button type="submit" loading={pending}>
              Confirm new email
            </Button>
            <Button variant="link" onClick={() => setSentTo(null)}>
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <form className="account__form" onSubmit={send} aria-busy={pending || undefined}>
          <TextField
            label="New email"
            name="new-email"
            type="email"
            autoComplete="email"
            required
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
          {error && (
            <Alert tone="error">
              <p>{error}</p>
            </Alert>
          )}
          <Button type="submit" variant="secondary" loading={pending}>
            Send a code to the new address
          </Button>
        </form>
      )}
    </Card>
  );
}
