import { useCallback, useState } from 'react';
import { useDescope } from '@descope/react-sdk';
import {
  describeAuthError,
  ERROR_MFA_REQUIRED,
  ERROR_PASSWORD_EXPIRED,
  type AuthMode,
  type SdkFailure,
} from '../api/auth-errors';
import { useSdkCall } from './use-sdk-call';

export type PasswordCredentials = {
  name: string;
  email: string;
  password: string;
};

/** A sign-in that was refused because the password must be replaced first. */
export type ExpiredPassword = { loginId: string; password: string };

/** A right password on an account with TOTP: the code finishes the sign-in. */
export type PendingSecondFactor = { loginId: string; ticket: string };

/**
 * Signs in or up with a password through the Descope SDK, which stores the
 * tokens and publishes the new session (so `useSession` flips to signed in).
 * A correct but expired password (E062909, e.g. the first admin's one-time
 * password) sets `expired` instead of an error: the form then asks for a new one.
 * A right password on an account with TOTP (E062801) sets `secondFactor` with
 * the server's ticket: the form then asks for the authenticator code.
 */
export function usePasswordAuth() {
  const { password } = useDescope();
  const { run, pending, error, setError } = useSdkCall();
  const [expired, setExpired] = useState<ExpiredPassword | null>(null);
  const [secondFactor, setSecondFactor] = useState<PendingSecondFactor | null>(null);

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
        // Gatehouse's field, not in the SDK's error type (docs/descope-wire.md §4.5).
        const ticket = (response.error as SdkFailure['error'])?.mfaTicket;
        if (
          mode === 'signIn' &&
          response.error?.errorCode === ERROR_MFA_REQUIRED &&
          ticket
        ) {
          setSecondFactor({ loginId, ticket });
          return 'handled';
        }
        return describeAuthError(mode, response);
      }),
    [password, run],
  );

  const clearError = useCallback(() => setError(null), [setError]);
  const clearExpired = useCallback(() => setExpired(null), []);
  const clearSecondFactor = useCallback(() => setSecondFactor(null), []);
  return {
    submit,
    pending,
    error,
    clearError,
    expired,
    clearExpired,
    secondFactor,
    clearSecondFactor,
  };
}
