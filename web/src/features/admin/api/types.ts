/** A user as the management API returns it (Descope's UserResponse). */
export type ManagedUser = {
  userId: string;
  loginIds: string[];
  name: string;
  email: string;
  roleNames: string[];
  status: 'enabled' | 'disabled' | string;
  createdTime: number;
  /** Unix seconds of the last successful sign-in; 0 when never. */
  lastLogin: number;
  /** An authenticator app (TOTP) is set up; Descope's upper-case key. */
  TOTP?: boolean;
  /** The user has a password. */
  password?: boolean;
  /** The user has at least one passkey. */
  webauthn?: boolean;
  /** The email address was proven (a code or link reached it). */
  verifiedEmail?: boolean;
};

/** The sign-in methods the user object says are enrolled, as labels. */
export function enrolledMethods(user: ManagedUser): string[] {
  return [
    user.password && 'Password',
    user.TOTP && 'Authenticator app',
    user.webauthn && 'Passkeys',
    user.verifiedEmail && 'Verified email',
  ].filter((m): m is string => Boolean(m));
}

export type UserPage = { users: ManagedUser[]; total: number };

export type Role = {
  name: string;
  description: string;
  permissionNames: string[];
  createdTime?: number;
};

export type Permission = { name: string; description: string };

export type AuditEvent = {
  id: number | string;
  /** Epoch milliseconds, as in Descope's audit records. */
  occurred: number;
  action: string;
  result: 'success' | 'failure' | string;
  userId: string;
  /** Login ids of the subject (Descope's wire name). */
  externalIds: string[];
  actorId: string;
  remoteAddress: string;
  userAgent: string;
  data?: { detail?: string };
};

export type DailyCounts = {
  action: string;
  /** Oldest first; `day` is 00:00 UTC in unix seconds. */
  days: { day: number; count: number }[];
};

/** Who or what is locked out of signing in now (`GET /v1/mgmt/lockouts`). */
export type Lockout = {
  /** `login`: one account's login id; `address`: a client address, across accounts. */
  kind: LockoutKind;
  /** The login id (normalised, as the server counts it) or the address. */
  value: string;
  /** Failed attempts in the window that ended in the lockout. */
  attempts: number;
  /** Epoch milliseconds: the lockout ends by itself then. */
  lockedUntil: number;
};

export type LockoutKind = 'login' | 'address';

export function loginIdOf(user: Pick<ManagedUser, 'loginIds' | 'email'>): string {
  return user.loginIds?.[0] || user.email || '';
}

/** A message the development mail engine kept (`GET /v1/mgmt/dev/mailbox`). */
export type DevMail = {
  /** Epoch milliseconds. */
  time: number;
  to: string;
  subject: string;
  text: string;
  html?: string;
};
