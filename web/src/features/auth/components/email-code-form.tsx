import { useId, useState, type FormEvent } from 'react';
import { Alert, Button, TextField } from '@/components/ui';
import { useEmailCode } from '../hooks/use-email-code';

/**
 * Sign-up-or-in with a six-digit code sent by email: first the address, then
 * the code from the message. A new address gets an account.
 */
export function EmailCodeForm() {
  const [email, setEmail] = useState('');
  const [code, setCode] = useState('');
  const flow = useEmailCode();
  const errorId = useId();

  if (!flow.sent) {
    const onSend = (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault();
      void flow.sendCode(email);
    };
    return (
      <form
        className="login__form"
        onSubmit={onSend}
        aria-describedby={flow.sendError ? errorId : undefined}
        aria-busy={flow.sending || undefined}
      >
        <p className="login__hint">
          We email you a 6-digit code. No account yet? One is created for this address.
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
        {flow.sendError && (
          <Alert tone="error" id={errorId}>
            <p>{flow.sendError.message}</p>
          </Alert>
        )}
        <Button type="submit" block loading={flow.sending}>
          Email me a code
        </Button>
      </form>
    );
  }

  const onVerify = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void flow.verifyCode(flow.sent!.loginId, code);
  };
  return (
    <form
      className="login__form"
      onSubmit={onVerify}
      aria-describedby={flow.verifyError ? errorId : undefined}
      aria-busy={flow.verifying || undefined}
    >
      <Alert tone="info">
        <p>
          We sent a code to <strong>{flow.sent.maskedEmail}</strong>. It works once and
          expires in a few minutes.
        </p>
      </Alert>
      <TextField
        label="Code from the email"
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9 ]{6,7}"
        required
        autoFocus
        value={code}
        onChange={(e) => setCode(e.target.value)}
      />
      {flow.verifyError && (
        <Alert tone="error" id={errorId}>
          <p>{flow.verifyError.message}</p>
        </Alert>
      )}
      <Button type="submit" block loading={flow.verifying}>
        Sign in with the code
      </Button>
      <Button
        variant="link"
        onClick={() => {
          setCode('');
          flow.restart();
        }}
      >
        Use a different email or send a new code
      </Button>
    </form>
  );
}
