import { useCallback, useRef, useState } from 'react';
import { useDescope } from '@descope/react-sdk';
import {
  describeAuthError,
  ERROR_PASSWORD_EXPIRED,
  NETWORK_ERROR,
  type AuthErrorView,
  type AuthMode,
} from '../api/auth-errors';

export type PasswordCredentials = {
  name: string;
  email: string;
  password: string;
};

/** A sign-in that was refused because the password must be replaced first. */
export type ExpiredPassword = { loginId: string; password: string };

/**
 * Signs in or up with a password through the Descope SDK, which stores the
 * tokens and publishes the new session (so `useSession` flips to signed in).
 * A correct but expired password (E062909, e.g. the first admin's one-time
 * password) sets `expired` instead of an error: the form then asks for a new one.
 */
export function usePasswordAuth() {
  const { password } = useDescope();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<AuthErrorView | null>(null);
  const [expired, setExpired] = useState<ExpiredPassword | null>(null);
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
          if (mode === 'signIn' && response.error?.errorCode === ERROR_PASSWORD_EXPIRED) {
            setExpired({ loginId, password: secret });
            setPending(false);
            return false;
          }
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
  const clearExpired = useCallback(() => setExpired(null), []);
  return { submit, pending, error, clearError, expired, clearExpired };
}
