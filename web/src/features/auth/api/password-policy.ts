/** Password rules as `GET /v1/auth/password/policy` reports them. */
export type PasswordPolicy = {
  minLength?: number;
  lowercase?: boolean;
  uppercase?: boolean;
  number?: boolean;
  nonAlphanumeric?: boolean;
};

export const DEFAULT_PASSWORD_HINT = 'Choose a password you don’t use elsewhere.';

/** One short sentence, e.g. "At least 8 characters, with a number." */
export function describePasswordPolicy(policy: PasswordPolicy | null): string {
  if (!policy) return DEFAULT_PASSWORD_HINT;
  const needs: string[] = [];
  if (policy.uppercase) needs.push('an uppercase letter');
  if (policy.lowercase) needs.push('a lowercase letter');
  if (policy.number) needs.push('a number');
  if (policy.nonAlphanumeric) needs.push('a symbol');
  const length = policy.minLength && policy.minLength > 0 ? policy.minLength : undefined;
  if (!length && needs.length === 0) return DEFAULT_PASSWORD_HINT;
  const start = length ? `At least ${length} characters` : 'Must include';
  if (needs.length === 0) return `${start}.`;
  const list =
    needs.length === 1
      ? needs[0]
      : `${needs.slice(0, -1).join(', ')} and ${needs[needs.length - 1]}`;
  return length ? `${start}, with ${list}.` : `${start} ${list}.`;
}
