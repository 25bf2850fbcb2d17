import { useEffect } from 'react';
import { Navigate, useLocation, useSearchParams } from 'react-router-dom';
import { PageLoading } from '@/components/ui';
import { LoginForm, type AuthMode } from '@/features/auth';
import { clearSignOutMarker, useAuth, type LoginRedirectState } from '@/lib/auth';
import { useDocumentTitle } from '@/lib/use-document-title';

const NOTICES: Record<NonNullable<LoginRedirectState['reason']>, string> = {
  'signed-out': 'You have signed out.',
  'session-ended': 'Your session has ended. Please sign in again.',
};

/** Only same-app paths are followed after sign-in. */
function safeReturnPath(from: unknown): string {
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('//')
    ? from
    : '/profile';
}

export function LoginRoute() {
  useDocumentTitle('Sign in');
  const { isAuthenticated, isLoading } = useAuth();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const state = (location.state ?? {}) as LoginRedirectState;
  useEffect(() => clearSignOutMarker(), []);

  if (isAuthenticated) return <Navigate to={safeReturnPath(state.from)} replace />;
  if (isLoading) return <PageLoading label="Checking your session…" />;

  const initialMode: AuthMode = params.get('mode') === 'signup' ? 'signUp' : 'signIn';
  const notice = state.reason
    ? NOTICES[state.reason]
    : state.from
      ? 'Please sign in to continue.'
      : undefined;

  return (
    <LoginForm
      initialMode={initialMode}
      notice={notice}
      onModeChange={(mode) =>
        setParams(mode === 'signUp' ? { mode: 'signup' } : {}, {
          replace: true,
          state: location.state,
        })
      }
    />
  );
}
