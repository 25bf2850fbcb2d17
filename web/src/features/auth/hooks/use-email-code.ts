import { useCallback, useState } from 'react';
import { useDescope } from '@descope/react-sdk';
import { describePasswordlessError } from '../api/auth-errors';
import { useSdkCall } from './use-sdk-call';

/** Where the code went: the login id and the masked address the server names. */
export type SentCode = { loginId: string; maskedEmail: string };

/**
 * Signs up or in with a code sent by email: `otp.signUpOrIn.email` mails a
 * six-digit code (an unknown address gets an account), `otp.verify.email` with
 * that code signs in; the SDK stores the tokens and publishes the session.
 */
export function useEmailCode() {
  const { otp } = useDescope();
  const send = useSdkCall();
  const check = useSdkCall();
  const [sent, setSent] = useState<SentCode | null>(null);

  const sendCode = useCallback(
    (email: string) =>
      send.run(async () => {
        const loginId = email.trim();
        const response = await otp.signUpOrIn.email(loginId);
        if (!response.ok) return describePasswordlessError('code', response);
        const masked = (response.data as { maskedEmail?: string } | undefined)
          ?.maskedEmail;
        setSent({ loginId, maskedEmail: masked || loginId });
        return 'handled';
      }),
    [otp, send.run],
  );

  const verifyCode = useCallback(
    (loginId: string, code: string) =>
      check.run(async () => {
        const response = await otp.verify.email(loginId, code.replace(/\s/g, ''));
        if (response.ok) return null;
        return describePasswordlessError('code', response);
      }),
    [otp, check.run],
  );

  const restart = useCallback(() => setSent(null), []);

  return {
    sent,
    sendCode,
    sending: send.pending,
    sendError: send.error,
    verifyCode,
    verifying: check.pending,
    verifyError: check.error,
    restart,
  };
}
