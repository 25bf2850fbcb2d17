import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import { useDescope, useSession, useUser } from '@descope/react-sdk';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { PageLoading } from '@/components/ui';

/** Why the app sent someone to /login; the login page explains it. */
export type LoginRedirectState = {
  from?: string;
  reason?: 'signed-out' | 'session-ended';
};

export function useAuth() {
  const { isAuthenticated, isSessionLoading } = useSession();
  return { isAuthenticated, isLoading: isSessionLoading };
}

export type CurrentUser = {
  userId: string;
  name: string;
  email: string;
};

/** The signed-in user's display fields; `user` is null until /v1/auth/me answers. */
export function useCurrentUser(): { user: CurrentUser | null; isLoading: boolean } {
  const { user, isUserLoading } = useUser();
  if (!user) return { user: null, isLoading: isUserLoading };
  const email = user.email || user.loginIds?.[0] || '';
  return {
    user: {
      userId: user.userId ?? '',
      name: user.name || user.givenName || email,
      email,
    },
    isLoading: false,
  };
}

function rolesClaim(claims: unknown): string[] | undefined {
  const roles = (claims as { roles?: unknown } | null | undefined)?.roles;
  return Array.isArray(roles) ? roles.filter((r) => typeof r === 'string') : undefined;
}

function jwtPayload(token: string | undefined): unknown {
  const part = token?.split('.')[1];
  if (!part) return undefined;
  try {
    return JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return undefined;
  }
}

/**
 * The project-level roles in the current session token (its `roles` claim).
 * They change when the session is refreshed, not when an admin edits them.
 */
export function useSessionRoles(): string[] {
  const { claims, sessionToken } = useSession();
  return useMemo(
    () => rolesClaim(claims) ?? rolesClaim(jwtPayload(sessionToken)) ?? [],
    [claims, sessionToken],
  );
}

/** Whether the signed-in user's session carries the `admin` role. */
export function useIsAdmin(): boolean {
  return useSessionRoles().includes('admin');
}

// Set when "Log out" starts and cleared by the login page, so a protected page
// that loses its session meanwhile can tell a chosen sign-out from a session
// that ended on its own (e.g. a refresh token revoked elsewhere). The router
// applies navigations as transitions, so the protected page may re-render
// without a session before the logout's own navigation lands.
let signingOut = false;

/** Called by the login page once it is shown. */
export function clearSignOutMarker() {
  signingOut = false;
}

/**
 * Renders its children only for a signed-in user; others go to /login, which
 * brings them back here after signing in.
 */
export function ProtectedRoute({ children }: { children: ReactNode }) {
  const { isAuthenticated, isLoading } = useAuth();
  const location = useLocation();
  const wasAuthenticated = useRef(false);
  if (isAuthenticated) wasAuthenticated.current = true;

  if (isAuthenticated) return <>{children}</>;
  if (isLoading) return <PageLoading label="Checking your session…" />;
  let state: LoginRedirectState = { from: location.pathname };
  if (signingOut) state = { reason: 'signed-out' };
  else if (wasAuthenticated.current) state = { ...state, reason: 'session-ended' };
  return <Navigate to="/login" replace state={state} />;
}

/**
 * Signs out: revokes the refresh token on the server (the SDK then clears its
 * stored tokens) and returns to /login. If the server cannot be reached the
 * tokens stay and `error` says so, rather than pretending the session ended.
 */
export function useLogout() {
  const { logout } = useDescope();
  const navigate = useNavigate();
  const [isLoggingOut, setLoggingOut] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = useCallback(async () => {
    setLoggingOut(true);
    setError(null);
    signingOut = true;
    try {
      await logout();
      const state: LoginRedirectState = { reason: 'signed-out' };
      navigate('/login', { replace: true, state });
    } catch {
      signingOut = false;
      setError('Could not reach the server to sign you out. Please try again.');
      setLoggingOut(false);
    }
  }, [logout, navigate]);

  return { logout: run, isLoggingOut, error };
}

/**
 * Session helpers for data hooks: `refresh` asks the server for a new session
 * token (picking up role changes), `endSession` clears a session the API no
 * longer accepts and sends the user to sign in again.
 */
export function useSessionControl() {
  const sdk = useDescope();
  const navigate = useNavigate();
  const location = useLocation();

  const refresh = useCallback(async (): Promise<boolean> => {
    try {
      const response = await sdk.refresh();
      return Boolean(response?.ok && response.data?.sessionJwt);
    } catch {
      return false;
    }
  }, [sdk]);

  const endSession = useCallback(async () => {
    try {
      await sdk.logout();
    } catch {
      // Unreachable server: the stored tokens are already useless to the API.
    }
    const state: LoginRedirectState = {
      from: location.pathname,
      reason: 'session-ended',
    };
    navigate('/login', { replace: true, state });
  }, [sdk, navigate, location.pathname]);

  return { refresh, endSession };
}
