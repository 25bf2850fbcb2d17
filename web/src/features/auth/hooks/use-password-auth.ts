import { useCallback, useRef, useState } from 'react';
import { useDescope } from '@descope/react-sdk';
import {
  describeAuthError,
  NETWORK_ERROR,
  type AuthErrorView,
  type AuthMode,
} from '../api/auth-errors';

export type PasswordCredentials = {
  name: string;
  email: string;
  password: string;
};

/**
 * Signs in or up with a password through the Descope SDK, which stores the
 * tokens and publishes the new session (so `useSession` flips to signed in).
 */
export function usePasswordAuth() {
  const { password } = useDescope();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<AuthErrorView | null>(null);
  const inFlight = useRef(false);

  const submit = useCallback(
    async (mode: AuthMode, { name, email, password: secret }: PasswordCredentials) => {
      if (inFlight.current) return false;
      inFlight.current = true;
      setPending(true);
      setError(null);
      try {
        const loginId = email.trim();
        const response =
          mode === 'signIn'
            ? await password.signIn(loginId, secret)
            : await password.signUp(loginId, secret, {
                name: name.trim(),
                email: loginId,
              });
        if (!response.ok) {
          setError(describeAuthError(mode, response));
          setPending(false);
          return false;
        }
        // Stay busy: the page moves on as soon as the SDK publishes the session.
        return true;
      } catch {
        setError(NETWORK_ERROR);
        setPending(false);
        return false;
      } finally {
        inFlight.current = false;
      }
    },
    [password],
  );

  const clearError = useCallback(() => setError(null), []);
  return { submit, pending, error, clearError };
}
