/**
 * A stand-in for @descope/react-sdk in unit tests. Tests drive the session
 * state with `setSession` / `setUser`, and inspect or script the SDK calls
 * through `sdk` (vi.fn()s).
 */
import { useSyncExternalStore, type ReactNode } from 'react';
import { vi } from 'vitest';

export type MockUser = {
  userId?: string;
  name?: string;
  email?: string;
  loginIds?: string[];
  password?: boolean;
  TOTP?: boolean;
  webauthn?: boolean;
  verifiedEmail?: boolean;
};

type State = {
  isAuthenticated: boolean;
  isSessionLoading: boolean;
  user: MockUser | undefined;
  isUserLoading: boolean;
  sessionToken: string;
  claims: { roles?: string[]; sub?: string } | undefined;
};

const initialState = (): State => ({
  isAuthenticated: false,
  isSessionLoading: false,
  user: undefined,
  isUserLoading: false,
  sessionToken: '',
  claims: undefined,
});

let state = initialState();
const listeners = new Set<() => void>();

function emit() {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function setSession(patch: Partial<State>) {
  state = { ...state, ...patch };
  emit();
}

/**
 * Signs the fake user in, as the SDK does after a successful sign-in; `roles`
 * become the session token's `roles` claim.
 */
export function signIn(
  user: MockUser = { name: 'Ada Lovelace', email: 'ada@example.com' },
  { roles = [] }: { roles?: string[] } = {},
) {
  const userId = user.userId ?? 'U-signed-in';
  setSession({
    isAuthenticated: true,
    isSessionLoading: false,
    user: { loginIds: user.email ? [user.email] : [], userId, ...user },
    sessionToken: 'session-jwt-1',
    claims: { roles, sub: userId },
  });
}

/** Signs in a user whose session carries the admin role. */
export function signInAdmin(
  user: MockUser = { userId: 'U-admin', name: 'Admin', email: 'admin@localhost' },
) {
  signIn(user, { roles: ['admin'] });
}

export const ok = <T,>(data: T) => ({ ok: true as const, code: 200, data });
export const fail = (
  code: number,
  error: {
    errorCode?: string;
    errorDescription?: string;
    errorMessage?: string;
    mfaTicket?: string;
    retryAfter?: number;
  } = {},
) => ({ ok: false as const, code, error });

/** A fetch Response with a JSON body, for `sdk.httpClient` calls. */
export const jsonResponse = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });

function makeSdk() {
  return {
    password: {
      signIn: vi.fn(),
      signUp: vi.fn(),
      replace: vi.fn(),
      sendReset: vi.fn(),
      update: vi.fn(),
      policy: vi.fn(async () => ok({ minLength: 8 })),
    },
    totp: {
      verify: vi.fn(),
      update: vi.fn(),
    },
    otp: {
      signUpOrIn: { email: vi.fn() },
      verify: { email: vi.fn() },
      update: { email: vi.fn() },
    },
    magicLink: {
      signUpOrIn: { email: vi.fn() },
      verify: vi.fn(),
    },
    webauthn: {
      signUpOrIn: vi.fn(),
      signIn: vi.fn(),
      signUp: vi.fn(),
      update: vi.fn(),
    },
    history: vi.fn(async (): Promise<unknown> => ok([])),
    /** Raw calls (Gatehouse's own endpoints); script with `jsonResponse`. */
    httpClient: {
      post: vi.fn(async (): Promise<Response> => jsonResponse(200, {})),
    },
    me: vi.fn(async (): Promise<unknown> => ok({})),
    refresh: vi.fn(async () => fail(401, { errorCode: 'E061005' })),
    logout: vi.fn(async () => {
      setSession({
        isAuthenticated: false,
        user: undefined,
        sessionToken: '',
        claims: undefined,
      });
      return ok({});
    }),
  };
}

export let sdk = makeSdk();

/** Props the app passed to <AuthProvider>, for assertions. */
export const authProviderProps: { projectId?: string; baseUrl?: string }[] = [];

export function resetDescopeMock() {
  state = initialState();
  sdk = makeSdk();
  authProviderProps.length = 0;
  emit();
}

const useState = () => useSyncExternalStore(subscribe, () => state);

export const descopeModule = {
  AuthProvider: ({
    projectId,
    baseUrl,
    children,
  }: {
    projectId: string;
    baseUrl?: string;
    children: ReactNode;
  }) => {
    authProviderProps.push({ projectId, baseUrl });
    return <>{children}</>;
  },
  useSession: () => {
    const s = useState();
    return {
      isAuthenticated: s.isAuthenticated,
      isSessionLoading: s.isSessionLoading,
      sessionToken: s.sessionToken,
      claims: s.claims,
    };
  },
  useUser: () => {
    const s = useState();
    return { user: s.user, isUserLoading: s.isUserLoading };
  },
  useDescope: () => sdk,
  getSessionToken: () => state.sessionToken,
  getRefreshToken: () => (state.isAuthenticated ? 'refresh-jwt-1' : ''),
};
