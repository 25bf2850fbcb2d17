import { useId, useState, type FormEvent } from 'react';
import { Alert, Button, Card, TextField } from '@/components/ui';
import type { AuthMode } from '../api/auth-errors';
import { describePasswordPolicy } from '../api/password-policy';
import { usePasswordAuth } from '../hooks/use-password-auth';
import { usePasswordPolicy } from '../hooks/use-password-policy';
import { ChangePasswordForm } from './change-password-form';
import { EmailCodeForm } from './email-code-form';
import { MagicLinkForm } from './magic-link-form';
import { PasskeyForm } from './passkey-form';
import { ResetPasswordForm } from './reset-password-form';
import { TotpCodeForm } from './totp-code-form';
import './login-form.css';

/** The ways to sign in the card offers; all but the password sign up or in. */
export type SignInMethod = 'password' | 'code' | 'link' | 'passkey';

const METHODS: { id: SignInMethod; label: string }[] = [
  { id: 'password', label: 'Password' },
  { id: 'code', label: 'Email code' },
  { id: 'link', label: 'Email link' },
  { id: 'passkey', label: 'Passkey' },
];

type LoginFormProps = {
  initialMode?: AuthMode;
  /** A message about why the person is here (e.g. "You signed out"). */
  notice?: string;
  onModeChange?: (mode: AuthMode) => void;
};

const COPY = {
  signIn: {
    title: 'Sign in',
    lead: 'Welcome back. Sign in with your email and password.',
    submit: 'Sign in',
    switchPrompt: 'New here?',
    switchAction: 'Create an account',
  },
  signUp: {
    title: 'Create your account',
    lead: 'It takes a few seconds. Your account lives on this server only.',
    submit: 'Sign up',
    switchPrompt: 'Already have an account?',
    switchAction: 'Sign in instead',
  },
} as const;

/** Email-and-password sign-in and sign-up, posting through the Descope SDK. */
export function LoginForm({
  initialMode = 'signIn',
  notice,
  onModeChange,
}: LoginFormProps) {
  const [mode, setMode] = useState<AuthMode>(initialMode);
  const [method, setMethod] = useState<SignInMethod>('password');
  const [resetting, setResetting] = useState(false);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const {
    submit,
    pending,
    error,
    clearError,
    expired,
    clearExpired,
    secondFactor,
    clearSecondFactor,
  } = usePasswordAuth();
  const policy = usePasswordPolicy(mode === 'signUp');
  const errorId = useId();
  const headingId = useId();
  const copy = COPY[mode];

  const switchMode = (next: AuthMode) => {
    setMode(next);
    clearError();
    onModeChange?.(next);
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void submit(mode, { name, email, password });
  };

  if (expired) {
    return (
      <Card className="login" aria-labelledby={headingId}>
        <ChangePasswordForm
          loginId={expired.loginId}
          oldPassword={expired.password}
          headingId={headingId}
          onBack={() => {
            setPassword('');
            clearExpired();
          }}
        />
      </Card>
    );
  }

  if (secondFactor) {
    return (
      <Card className="login" aria-labelledby={headingId}>
        <TotpCodeForm
          loginId={secondFactor.loginId}
          ticket={secondFactor.ticket}
          headingId={headingId}
          onBack={() => {
            setPassword('');
            clearSecondFactor();
          }}
        />
      </Card>
    );
  }

  if (resetting) {
    return (
      <Card className="login">
        <ResetPasswordForm initialEmail={email} onBack={() => setResetting(false)} />
      </Card>
    );
  }

  const chooser = (
    <div className="login__methods" role="group" aria-label="How to sign in">
      {METHODS.map((m) => (
        <button
          key={m.id}
          type="button"
          className="login__method"
          aria-pressed={method === m.id}
          onClick={() => {
            clearError();
            setMethod(m.id);
          }}
        >
          {m.label}
        </button>
      ))}
    </div>
  );

  if (method !== 'password') {
    return (
      <Card className="login" aria-labelledby={headingId}>
        <h1 id={headingId}>Sign in or sign up</h1>
        <p className="login__lead">No password needed.</p>
        {notice && <Alert tone="info">{notice}</Alert>}
        {chooser}
        {method === 'code' && <EmailCodeForm />}
        {method === 'link' && <MagicLinkForm />}
        {method === 'passkey' && <PasskeyForm />}
      </Card>
    );
  }

  return (
    <Card className="login" aria-labelledby={headingId}>
      <h1 id={headingId}>{copy.title}</h1>
      <p className="login__lead">{copy.lead}</p>
      {notice && !error && <Alert tone="info">{notice}</Alert>}
      {chooser}

      <form
        className="login__form"
        onSubmit={onSubmit}
        aria-describedby={error ? errorId : undefined}
        aria-busy={pending || undefined}
      >
        {mode === 'signUp' && (
          <TextField
            label="Name"
            name="name"
            autoComplete="name"
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        )}
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete={mode === 'signIn' ? 'username' : 'email'}
          inputMode="email"
          spellCheck={false}
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete={mode === 'signIn' ? 'current-password' : 'new-password'}
          required
          hint={mode === 'signUp' ? describePasswordPolicy(policy) : undefined}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {mode === 'signIn' && (
          <Button
            variant="link"
            className="login__forgot"
            onClick={() => {
              clearError();
              setResetting(true);
            }}
          >
            Forgot password?
          </Button>
        )}

        {error && (
          <Alert tone="error" id={errorId}>
            <p>{error.message}</p>
            {error.suggestMode && error.suggestMode !== mode && (
              <Button variant="link" onClick={() => switchMode(error.suggestMode!)}>
                {COPY[error.suggestMode].title} with this email
              </Button>
            )}
          </Alert>
        )}

        <Button type="submit" block loading={pending}>
          {copy.submit}
        </Button>
      </form>

      <p className="login__switch">
        {copy.switchPrompt}{' '}
        <Button
          variant="link"
          onClick={() => switchMode(mode === 'signIn' ? 'signUp' : 'signIn')}
        >
          {copy.switchAction}
        </Button>
      </p>
    </Card>
  );
}
