import { ApiError } from '@/lib/api-client';
import type {
  AuditEvent,
  DevMail,
  DailyCounts,
  Lockout,
  LockoutKind,
  ManagedUser,
  Permission,
  Role,
  UserPage,
} from './types';

/**
 * Sends one management API request with the admin's own session (see
 * `useMgmt`). Every function below takes one, so they stay plain and testable.
 */
export type MgmtCall = <T>(
  path: string,
  options?: { method?: 'GET' | 'POST'; body?: unknown; signal?: AbortSignal },
) => Promise<T>;

export const USERS_PAGE_SIZE = 20;

export function searchUsers(
  call: MgmtCall,
  { text, page }: { text: string; page: number },
  signal?: AbortSignal,
) {
  return call<UserPage>('/v2/mgmt/user/search', {
    body: { text, limit: USERS_PAGE_SIZE, page },
    signal,
  });
}

export type NewUser = {
  loginId: string;
  displayName: string;
  roleNames: string[];
  password?: string;
};

export async function createUser(call: MgmtCall, user: NewUser) {
  const body: NewUser = { ...user };
  if (!body.password) delete body.password;
  return (await call<{ user: ManagedUser }>('/v1/mgmt/user/create', { body })).user;
}

export async function setUserRoles(call: MgmtCall, loginId: string, roleNames: string[]) {
  return (
    await call<{ user: ManagedUser }>('/v1/mgmt/user/update/role/set', {
      body: { loginId, roleNames },
    })
  ).user;
}

export async function setUserStatus(
  call: MgmtCall,
  loginId: string,
  status: 'enabled' | 'disabled',
) {
  return (
    await call<{ user: ManagedUser }>('/v1/mgmt/user/update/status', {
      body: { loginId, status },
    })
  ).user;
}

/** Revokes every refresh token of the user: each session ends at its next refresh. */
export async function signOutEverywhere(call: MgmtCall, userId: string) {
  await call('/v1/mgmt/user/logout', { body: { userId } });
}

/** Removes the user's authenticator app (TOTP): their password is enough again. */
export async function removeTotp(call: MgmtCall, loginId: string) {
  await call('/v1/mgmt/user/totp/delete', { body: { loginId } });
}

export async function listRoles(call: MgmtCall, signal?: AbortSignal) {
  const { roles } = await call<{ roles: Role[] }>('/v1/mgmt/role/all', {
    method: 'GET',
    signal,
  });
  return [...roles].sort((a, b) => a.name.localeCompare(b.name));
}

export async function listPermissions(call: MgmtCall, signal?: AbortSignal) {
  const { permissions } = await call<{ permissions: Permission[] }>(
    '/v1/mgmt/permission/all',
    { method: 'GET', signal },
  );
  return [...permissions].sort((a, b) => a.name.localeCompare(b.name));
}

export async function createRole(call: MgmtCall, role: Role) {
  await call('/v1/mgmt/role/create', {
    body: {
      name: role.name,
      description: role.description,
      permissionNames: role.permissionNames,
    },
  });
}

export async function updateRole(call: MgmtCall, name: string, role: Role) {
  await call('/v1/mgmt/role/update', {
    body: {
      name,
      newName: role.name,
      description: role.description,
      permissionNames: role.permissionNames,
    },
  });
}

export async function deleteRole(call: MgmtCall, name: string) {
  await call('/v1/mgmt/role/delete', { body: { name } });
}

export async function createPermission(call: MgmtCall, permission: Permission) {
  await call('/v1/mgmt/permission/create', { body: permission });
}

export async function deletePermission(call: MgmtCall, name: string) {
  await call('/v1/mgmt/permission/delete', { body: { name } });
}

export async function searchAudit(
  call: MgmtCall,
  query: { actions: string[]; results?: ('success' | 'failure')[]; limit: number },
  signal?: AbortSignal,
) {
  return (
    await call<{ audits: AuditEvent[] }>('/v1/mgmt/audit/search', {
      body: query,
      signal,
    })
  ).audits;
}

export function dailyCounts(call: MgmtCall, action: string, signal?: AbortSignal) {
  return call<DailyCounts>(
    `/v1/mgmt/audit/daily?days=30&action=${encodeURIComponent(action)}`,
    { method: 'GET', signal },
  );
}

/** Login ids and client addresses locked out of signing in now (Gatehouse's own). */
export async function listLockouts(call: MgmtCall, signal?: AbortSignal) {
  const { lockouts } = await call<{ lockouts: Lockout[] }>('/v1/mgmt/lockouts', {
    method: 'GET',
    signal,
  });
  return [...lockouts].sort((a, b) => b.lockedUntil - a.lockedUntil);
}

/** Lifts a lockout now: the login id or address may sign in again (audited). */
export async function unlock(call: MgmtCall, kind: LockoutKind, value: string) {
  await call('/v1/mgmt/lockouts/unlock', { body: { kind, value } });
}

/**
 * The dev mail engine's messages, newest first; `null` when the server has no
 * dev mailbox (404: SMTP is configured, so mail really goes out).
 */
export async function devMailbox(
  call: MgmtCall,
  signal?: AbortSignal,
): Promise<DevMail[] | null> {
  try {
    const { messages } = await call<{ messages: DevMail[] }>('/v1/mgmt/dev/mailbox', {
      method: 'GET',
      signal,
    });
    return messages;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** Removes every passkey of the user (`POST /v1/mgmt/user/passkeys/delete`). */
export async function removePasskeys(call: MgmtCall, loginId: string) {
  await call('/v1/mgmt/user/passkeys/delete', { body: { loginId } });
}
