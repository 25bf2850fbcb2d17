import { useId, useState, type FormEvent } from 'react';
import { Alert, Button, TextField } from '@/components/ui';
import { useMagicLink } from '../hooks/use-magic-link';

/** Sign-up-or-in with a link sent by email; the link can be opened anywhere. */
export function MagicLinkForm() {
  const [email, setEmail] = useState('');
  const { send, pending, error, sentTo, restart } = useMagicLink();
  const errorId = useId();

  if (sentTo) {
    return (
      <div className="login__form">
        <Alert tone="success" title="Check your email">
          <p>
            We sent a sign-in link to <strong>{sentTo}</strong>. Open it on this or any
            other device; it works once and expires in a few minutes.
          </p>
        </Alert>
        <Button variant="link" onClick={restart}>
          Use a different email or send a new link
        </Button>
      </div>
    );
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void send(email);
  };
  return (
    <form
      className="login__form"
      onSubmit={onSubmit}
      aria-describedby={error ? errorId : undefined}
      aria-busy={pending || undefined}
    >
      <p className="login__hint">
        We email you a link that signs you in. No account yet? One is created for this
        address.
      </p>
      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
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
        Email me a link
      </Button>
    </form>
  );
}
