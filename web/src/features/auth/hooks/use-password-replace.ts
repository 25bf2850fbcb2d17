import { useCallback, useRef, useState } from 'react';
import { useDescope } from '@descope/react-sdk';
import {
  describeReplaceError,
  NETWORK_ERROR,
  type AuthErrorView,
} from '../api/auth-errors';

/**
 * Replaces an expired password with `password.replace` (old + new password).
 * The answer is a full sign-in, so the SDK stores the tokens and publishes the
 * session just as after `password.signIn`.
 */
export function usePasswordReplace() {
  const { password } = useDescope();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<AuthErrorView | null>(null);
  const inFlight = useRef(false);

  const replace = useCallback(
    async (loginId: string, oldPassword: string, newPassword: string) => {
      if (inFlight.current) return false;
      inFlight.current = true;
      setPending(true);
      setError(null);
      try {
        const response = await password.replace(loginId, oldPassword, newPassword);
        if (!response.ok) {
          setError(describeReplaceError(response));
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

  return { replace, pending, error, setError };
}
