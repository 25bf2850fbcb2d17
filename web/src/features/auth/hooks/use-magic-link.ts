import { useCallback, useState } from 'react';
import { useDescope } from '@descope/react-sdk';
import { describePasswordlessError } from '../api/auth-errors';
import { useSdkCall } from './use-sdk-call';

/** The page a sign-in link opens: `/verify` on this app's own origin. */
export function verifyUrl() {
  return `${window.location.origin}/verify`;
}

/**
 * Asks for a sign-in link by email (`magicLink.signUpOrIn.email`; an unknown
 * address gets an account). The link opens `/verify?t=<token>`, in any browser.
 */
export function useMagicLink() {
  const { magicLink } = useDescope();
  const { run, pending, error } = useSdkCall();
  const [sentTo, setSentTo] = useState<string | null>(null);

  const send = useCallback(
    (email: string) =>
      run(async () => {
        const loginId = email.trim();
        const response = await magicLink.signUpOrIn.email(loginId, verifyUrl());
        if (!response.ok) return describePasswordlessError('link', response);
        const masked = (response.data as { maskedEmail?: string } | undefined)
          ?.maskedEmail;
        setSentTo(masked || loginId);
        return 'handled';
      }),
    [magicLink, run],
  );

  return {
    send,
    pending,
    error,
    sentTo,
    restart: useCallback(() => setSentTo(null), []),
  };
}
