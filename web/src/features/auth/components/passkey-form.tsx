import { useId, useState, type FormEvent } from 'react';
import { Alert, Button, TextField } from '@/components/ui';
import { passkeysSupported } from '../api/passkey-errors';
import { usePasskeySignIn } from '../hooks/use-passkey-sign-in';

/** Sign-up-or-in with a passkey (this device's screen lock or a security key). */
export function PasskeyForm() {
  const [email, setEmail] = useState('');
  const { signInWithPasskey, pending, error } = usePasskeySignIn();
  const errorId = useId();

  if (!passkeysSupported()) {
    return (
      <Alert tone="warning">
        <p>This browser does not support passkeys. Choose another way to sign in.</p>
      </Alert>
    );
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void signInWithPasskey(email);
  };
  return (
    <form
      className="login__form"
      onSubmit={onSubmit}
      aria-describedby={error ? errorId : undefined}
      aria-busy={pending || undefined}
    >
      <p className="login__hint">
        Use this device’s screen lock or a security key. No account yet? A passkey is made
        for a new one.
      </p>
      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete="username webauthn"
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
        Continue with a passkey
      </Button>
      <Button
        variant="link"
        disabled={pending}
        onClick={() => void signInWithPasskey('')}
      >
        Sign in with a saved passkey, no email
      </Button>
    </form>
  );
}
