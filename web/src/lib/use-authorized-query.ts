import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, apiGet } from './api-client';
import { useSessionControl } from './auth';

export type QueryState<T> =
  | { status: 'loading'; data?: undefined; error?: undefined }
  | { status: 'success'; data: T; error?: undefined }
  | { status: 'error'; data?: undefined; error: ApiError };

/**
 * Loads `path` from the app's API with the session token.
 *
 * A 401 first gets one silent session refresh and retry (the token may simply
 * have expired while the tab slept); if the API still refuses, the session is
 * ended and the user is sent to /login. Other failures become `status: 'error'`
 * with a `reload` to try again. A change of `refetchKey` loads again too (e.g.
 * the roles in the session, which change when the SDK refreshes the session).
 */
export function useAuthorizedQuery<T>(path: string, refetchKey = '') {
  const [state, setState] = useState<QueryState<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const { refresh, endSession } = useSessionControl();

  // Keep the latest callbacks without restarting the request when they change.
  const session = useRef({ refresh, endSession });
  useEffect(() => {
    session.current = { refresh, endSession };
  });

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    setState({ status: 'loading' });

    const load = async () => {
      try {
        return await apiGet<T>(path, { signal });
      } catch (error) {
        if (!(error instanceof ApiError) || !error.isUnauthorized) throw error;
        if (!(await session.current.refresh()) || signal.aborted) throw error;
        return await apiGet<T>(path, { signal });
      }
    };

    load().then(
      (data) => {
        if (!signal.aborted) setState({ status: 'success', data });
      },
      (error: unknown) => {
        if (signal.aborted) return;
        if (error instanceof ApiError && error.isUnauthorized) {
          void session.current.endSession();
          return;
        }
        const apiError =
          error instanceof ApiError ? error : new ApiError(0, String(error));
        setState({ status: 'error', error: apiError });
      },
    );
    return () => controller.abort();
  }, [path, attempt, refetchKey]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, reload };
}
