import { useId, useState, type FormEvent } from 'react';
import { useDescope } from '@descope/react-sdk';
import { Alert, Button, TextField } from '@/components/ui';
import { describePasswordlessError } from '../api/auth-errors';
import { useSdkCall } from '../hooks/use-sdk-call';

/**
 * "Forgot password?": `password.sendReset(loginId, <origin>/verify?reset=1)`
 * mails a sign-in link; `/verify` then opens the account page to choose a new
 * password. A server without the endpoint (404) says so.
 */
export function ResetPasswordForm({
  initialEmail,
  onBack,
}: {
  initialEmail: string;
  onBack: () => void;
}) {
  const { password } = useDescope();
  const { run, pending, error } = useSdkCall();
  const [email, setEmail] = useState(initialEmail);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const errorId = useId();

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(async () => {
      const loginId = email.trim();
      const response = await password.sendReset(
        loginId,
        `${window.location.origin}/verify?reset=1`,
      );
      if (!response.ok) return describePasswordlessError('reset', response);
      const masked = (response.data as { maskedEmail?: string } | undefined)?.maskedEmail;
      setSentTo(masked || loginId);
      return 'handled';
    });
  };

  return (
    <>
      <h1>Reset your password</h1>
      {sentTo ? (
        <Alert tone="success" title="Check your email">
          <p>
            If <strong>{sentTo}</strong> has an account, a link to choose a new password
            is on its way.
          </p>
        </Alert>
      ) : (
        <form
          className="login__form"
          onSubmit={onSubmit}
          aria-describedby={error ? errorId : undefined}
          aria-busy={pending || undefined}
        >
          <p className="login__hint">
            We email you a link that signs you in; then choose a new password.
          </p>
          <TextField
            label="Email"
            name="email"
            type="email"
            autoComplete="username"
            inputMode="email"
            spellCheck={false}
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          {error && (
            <Alert tone="error" id={errorId}>
              <p>{error.message}</p>
            </Alert>
          )}
          <Button type="submit" block loading={pending}>
            Email me a reset link
          </Button>
        </form>
      )}
      <p className="login__switch">
        <Button variant="link" onClick={onBack}>
          Back to sign in
        </Button>
      </p>
    </>
  );
}
