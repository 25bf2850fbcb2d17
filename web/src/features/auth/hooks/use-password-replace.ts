import { useCallback } from 'react';
import { useDescope } from '@descope/react-sdk';
import { describeReplaceError } from '../api/auth-errors';
import { useSdkCall } from './use-sdk-call';

/**
 * Replaces an expired password with `password.replace` (old + new password).
 * The answer is a full sign-in, so the SDK stores the tokens and publishes the
 * session just as after `password.signIn`.
 */
export function usePasswordReplace() {
  const { password } = useDescope();
  const { run, pending, error, setError } = useSdkCall();

  const replace = useCallback(
    (loginId: string, oldPassword: string, newPassword: string) =>
      run(async () => {
        const response = await password.replace(loginId, oldPassword, newPassword);
        return response.ok ? null : describeReplaceError(response);
      }),
    [password, run],
  );

  return { replace, pending, error, setError };
}
