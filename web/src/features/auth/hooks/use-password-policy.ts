import { useEffect, useState } from 'react';
import { useDescope } from '@descope/react-sdk';
import type { PasswordPolicy } from '../api/password-policy';

/** The server's password rules, or null while unknown (the form then shows a generic hint). */
export function usePasswordPolicy(enabled: boolean): PasswordPolicy | null {
  const { password } = useDescope();
  const [policy, setPolicy] = useState<PasswordPolicy | null>(null);

  useEffect(() => {
    if (!enabled || policy) return;
    let active = true;
    password.policy().then(
      (response) => {
        if (active && response.ok && response.data) setPolicy(response.data);
      },
      () => {
        // Optional endpoint: without it the form keeps its generic hint.
      },
    );
    return () => {
      active = false;
    };
  }, [enabled, policy, password]);

  return policy;
}
