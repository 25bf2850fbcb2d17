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
};

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

export function loginIdOf(user: Pick<ManagedUser, 'loginIds' | 'email'>): string {
  return user.loginIds?.[0] || user.email || '';
}
