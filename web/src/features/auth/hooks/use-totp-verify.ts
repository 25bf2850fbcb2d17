import { useCallback } from 'react';
import { useDescope } from '@descope/react-sdk';
import { describeAuthError } from '../api/auth-errors';
import { useSdkCall } from './use-sdk-call';

/**
 * Finishes a password sign-in with the authenticator code: `totp.verify` with
 * the ticket the password step got, sent as the call's token (the SDK puts it
 * in `Authorization: Bearer <projectId>:<ticket>`). On success the SDK stores
 * the tokens and publishes the session, as after `password.signIn`.
 */
export function useTotpVerify() {
  const { totp } = useDescope();
  const { run, pending, error } = useSdkCall();

  const verify = useCallback(
    (loginId: string, code: string, ticket: string) =>
      run(async () => {
        const response = await totp.verify(
          loginId,
          code.replace(/\s/g, ''),
          undefined,
          ticket,
        );
        if (response.ok) return null;
        if (response.code === 401) {
          return {
            message:
              'That code is not right, has expired, or was already used. Wait for the next code and try again.',
          };
        }
        return describeAuthError('signIn', response);
      }),
    [totp, run],
  );

  return { verify, pending, error };
}
