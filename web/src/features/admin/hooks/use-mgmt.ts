import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
} from 'react';
import { getSessionToken } from '@descope/react-sdk';
import { ApiError, apiRequest, errorCodeOf } from '@/lib/api-client';
import { useSessionControl } from '@/lib/auth';
import { useProjectId } from '@/lib/project';
import type { MgmtCall } from '../api/mgmt';

const ERROR_FORBIDDEN = 'E011403';

/** Lets any management call tell the console that the server refused the admin. */
export const AdminAccessContext = createContext<{ markForbidden: () => void } | null>(
  null,
);

/**
 * A function that calls the management API as the signed-in admin:
 * `Authorization: Bearer <projectId>:<session JWT>`, never a management key.
 *
 * A 401 gets one session refresh and retry; if it persists the session is
 * ended (the user goes to /login). A 403 means the session no longer carries
 * the admin role (the server re-reads roles on every call): the console then
 * shows its "You need the admin role" page.
 */
export function useMgmt(): MgmtCall {
  const projectId = useProjectId();
  const { refresh, endSession } = useSessionControl();
  const access = useContext(AdminAccessContext);
  const latest = useRef({ refresh, endSession, access });
  useEffect(() => {
    latest.current = { refresh, endSession, access };
  });

  return useCallback(
    async <T>(
      path: string,
      options: { method?: 'GET' | 'POST'; body?: unknown; signal?: AbortSignal } = {},
    ): Promise<T> => {
      const { method = 'POST', body, signal } = options;
      const send = () =>
        apiRequest<T>(path, {
          method,
          body: method === 'GET' ? undefined : (body ?? {}),
          signal,
          bearer: `${projectId}:${getSessionToken() ?? ''}`,
        });
      try {
        try {
          return await send();
        } catch (error) {
          if (!(error instanceof ApiError) || !error.isUnauthorized) throw error;
          if (signal?.aborted || !(await latest.current.refresh())) throw error;
          return await send();
        }
      } catch (error) {
        if (error instanceof ApiError && !signal?.aborted) {
          if (error.isUnauthorized) void latest.current.endSession();
          else if (error.status === 403 && errorCodeOf(error) === ERROR_FORBIDDEN) {
            latest.current.access?.markForbidden();
          }
        }
        throw error;
      }
    },
    [projectId],
  );
}

/** A sentence for a failed management call, or null when the session is ending. */
export function describeMgmtError(error: unknown): string | null {
  if (error instanceof ApiError) {
    if (error.isUnauthorized) return null;
    if (error.isUnavailable) {
      return 'The server did not answer. Check that Gatehouse is running, then try again.';
    }
    return error.message;
  }
  if (error instanceof DOMException && error.name === 'AbortError') return null;
  return 'Something went wrong. Please try again.';
}

export type MgmtQuery<T> = {
  status: 'loading' | 'success' | 'error';
  data: T | undefined;
  /** Set when status is 'error'. */
  error: string | null;
  /** A request is in flight (the first load, or a reload keeping the old data). */
  isFetching: boolean;
  reload: () => void;
  /** Replaces the data locally, e.g. with the user a mutation returned. */
  setData: (update: (data: T) => T) => void;
};

/**
 * Loads management data for `key`; a new key or `reload()` fetches again while
 * the previous data stays on screen (no flashing back to a spinner).
 */
export function useMgmtQuery<T>(
  key: string,
  fetcher: (call: MgmtCall, signal: AbortSignal) => Promise<T>,
): MgmtQuery<T> {
  const call = useMgmt();
  const [state, setState] = useState<{
    status: MgmtQuery<T>['status'];
    data: T | undefined;
    error: string | null;
    isFetching: boolean;
  }>({ status: 'loading', data: undefined, error: null, isFetching: true });
  const [attempt, setAttempt] = useState(0);
  const fetcherRef = useRef(fetcher);
  useEffect(() => {
    fetcherRef.current = fetcher;
  });

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    setState((s) => ({
      ...s,
      status:
        s.data === undefined ? 'loading' : s.status === 'error' ? 'loading' : s.status,
      isFetching: true,
    }));
    fetcherRef.current(call, signal).then(
      (data) => {
        if (!signal.aborted)
          setState({ status: 'success', data, error: null, isFetching: false });
      },
      (error: unknown) => {
        if (signal.aborted) return;
        const message = describeMgmtError(error);
        // A session that is ending navigates away; keep showing the loading state.
        if (message === null) return;
        setState((s) => ({ ...s, status: 'error', error: message, isFetching: false }));
      },
    );
    return () => controller.abort();
  }, [key, attempt, call]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const setData = useCallback(
    (update: (data: T) => T) =>
      setState((s) => (s.data === undefined ? s : { ...s, data: update(s.data) })),
    [],
  );
  return { ...state, reload, setData };
}

/**
 * Runs management changes one at a time with a pending flag and an error
 * sentence. `run` resolves to `{ ok: true, value }`, or `{ ok: false }` when the
 * action failed (the error is then in `error`) or another one was running.
 */
export function useMgmtAction() {
  const call = useMgmt();
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const busy = useRef(false);

  const run = useCallback(
    async <R>(
      name: string,
      action: (call: MgmtCall) => Promise<R>,
    ): Promise<{ ok: true; value: R } | { ok: false }> => {
      if (busy.current) return { ok: false };
      busy.current = true;
      setPending(name);
      setError(null);
      try {
        return { ok: true, value: await action(call) };
      } catch (failure) {
        setError(describeMgmtError(failure));
        return { ok: false };
      } finally {
        busy.current = false;
        setPending(null);
      }
    },
    [call],
  );
  const clearError = useCallback(() => setError(null), []);
  return { run, pending, error, clearError };
}
