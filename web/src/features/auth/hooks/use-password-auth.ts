import { useCallback, useState } from 'react';
import { useDescope } from '@descope/react-sdk';
import {
  describeAuthError,
  ERROR_PASSWORD_EXPIRED,
  type AuthMode,
} from '../api/auth-errors';
import { useSdkCall } from './use-sdk-call';

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
  const { run, pending, error, setError } = useSdkCall();
  const [expired, setExpired] = useState<ExpiredPassword | null>(null);

  const submit = useCallback(
    (mode: AuthMode, { name, email, password: secret }: PasswordCredentials) =>
      run(async () => {
        const loginId = email.trim();
        const response =
          mode === 'signIn'
            ? await password.signIn(loginId, secret)
            : await password.signUp(loginId, secret, {
                name: name.trim(),
                email: loginId,
              });
        if (response.ok) return null;
        if (mode === 'signIn' && response.error?.errorCode === ERROR_PASSWORD_EXPIRED) {
          setExpired({ loginId, password: secret });
          return 'handled';
        }
        return describeAuthError(mode, response);
      }),
    [password, run],
  );

  const clearError = useCallback(() => setError(null), [setError]);
  const clearExpired = useCallback(() => setExpired(null), []);
  return { submit, pending, error, clearError, expired, clearExpired };
}
