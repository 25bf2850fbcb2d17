import { useId, useState, type FormEvent } from 'react';
import { Alert, Button, TextField } from '@/components/ui';
import { useTotpVerify } from '../hooks/use-totp-verify';

type TotpCodeFormProps = {
  loginId: string;
  /** The ticket of the password step (from the E062801 answer). */
  ticket: string;
  headingId: string;
  onBack: () => void;
};

/**
 * The second step of signing in to an account with an authenticator app: the
 * password was right, the six-digit code finishes the sign-in.
 */
export function TotpCodeForm({ loginId, ticket, headingId, onBack }: TotpCodeFormProps) {
  const [code, setCode] = useState('');
  const { verify, pending, error } = useTotpVerify();
  const errorId = useId();

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void verify(loginId, code, ticket);
  };

  return (
    <>
      <h1 id={headingId}>Enter your code</h1>
      <p className="login__lead">
        Open your authenticator app and enter the 6-digit code for{' '}
        <strong>{loginId}</strong>.
      </p>
      <form
        className="login__form"
        onSubmit={onSubmit}
        aria-describedby={error ? errorId : undefined}
        aria-busy={pending || undefined}
      >
        <TextField
          label="Authenticator code"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9 ]{6,7}"
          required
          autoFocus
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
        {error && (
          <Alert tone="error" id={errorId}>
            <p>{error.message}</p>
          </Alert>
        )}
        <Button type="submit" block loading={pending}>
          Verify and sign in
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
