import { useCallback, useRef, useState } from 'react';
import { NETWORK_ERROR, type AuthErrorView } from '../api/auth-errors';

/**
 * What an SDK call came to: `null` when the SDK accepted it, an error to show,
 * or `'handled'` when the caller already showed something else itself.
 */
export type SdkOutcome = AuthErrorView | 'handled' | null;

/**
 * The busy / error state of a form that signs in through the Descope SDK, one
 * call at a time. `run` resolves to true when the SDK accepted: the form then
 * stays busy, because the page moves on as soon as the SDK publishes the
 * session. A thrown error (the server unreachable) shows NETWORK_ERROR.
 */
export function useSdkCall() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<AuthErrorView | null>(null);
  const inFlight = useRef(false);

  const run = useCallback(async (call: () => Promise<SdkOutcome>) => {
    if (inFlight.current) return false;
    inFlight.current = true;
    setPending(true);
    setError(null);
    try {
      const outcome = await call();
      if (outcome === null) return true;
      if (outcome !== 'handled') setError(outcome);
      setPending(false);
      return false;
    } catch {
      setError(NETWORK_ERROR);
      setPending(false);
      return false;
    } finally {
      inFlight.current = false;
    }
  }, []);

  return { run, pending, error, setError };
}
