import { useState } from 'react';
import { Navigate, useSearchParams } from 'react-router-dom';
import { PageLoading } from '@/components/ui';
import { VerifyLink } from '@/features/auth';
import { useAuth } from '@/lib/auth';
import { useDocumentTitle } from '@/lib/use-document-title';

/**
 * /verify?t=<token>: where sign-in links land; then the profile (or /account after a reset
 * link). /reset-password?t=<token> is where the server's reset links land when the request
 * named no redirect URL (docs/descope-wire.md §4.1): the same, then a new password.
 */
export function VerifyRoute({ reset = false }: { reset?: boolean }) {
  useDocumentTitle('Signing in');
  const [params] = useSearchParams();
  const { isAuthenticated } = useAuth();
  const [verified, setVerified] = useState(false);

  // A password-reset link (`?reset=1`, see ResetPasswordForm) goes on to a new password.
  const next = reset || params.get('reset') ? '/account?reset=1' : '/profile';
  if (verified && isAuthenticated) return <Navigate to={next} replace />;
  if (verified) return <PageLoading label="Signing you in…" />;
  return <VerifyLink token={params.get('t')} onVerified={() => setVerified(true)} />;
}
