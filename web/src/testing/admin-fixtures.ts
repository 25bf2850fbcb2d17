/**
 * Management API data for the admin console's tests: builders for users,
 * roles and audit events, and a fake of the endpoints the console calls.
 */
import { fakeApi, jsonBody, type FakeRoute } from './fake-api';

export type FakeUser = {
  userId: string;
  loginIds: string[];
  name: string;
  email: string;
  roleNames: string[];
  status: string;
  createdTime: number;
  lastLogin: number;
  TOTP?: boolean;
  password?: boolean;
  webauthn?: boolean;
  verifiedEmail?: boolean;
};

const NOW = Math.floor(Date.now() / 1000);

export function user(email: string, patch: Partial<FakeUser> = {}): FakeUser {
  return {
    userId: `U-${email}`,
    loginIds: [email],
    name: '',
    email,
    roleNames: [],
    status: 'enabled',
    createdTime: NOW - 86400,
    lastLogin: 0,
    ...patch,
  };
}

export const ROLES = [
  { name: 'admin', description: 'Uses the admin console', permissionNames: [] },
  { name: 'student', description: 'Sees the student dashboard', permissionNames: [] },
  {
    name: 'teacher',
    description: 'Sees the teacher dashboard',
    permissionNames: ['grades.write'],
  },
];

export const PERMISSIONS = [{ name: 'grades.write', description: 'Grade work' }];

export function audit(
  action: string,
  email: string,
  patch: Partial<{ result: string; detail: string; occurred: number; id: number }> = {},
) {
  const id = patch.id ?? Math.floor(Math.random() * 1e9);
  return {
    id,
    occurred: (patch.occurred ?? NOW - 120) * 1000,
    action,
    result: patch.result ?? 'success',
    userId: `U-${email}`,
    externalIds: [email],
    actorId: 'U-admin',
    remoteAddress: '127.0.0.1',
    userAgent: 'test',
    data: { detail: patch.detail ?? '' },
  };
}

export type FakeLockout = {
  kind: 'login' | 'address';
  value: string;
  attempts: number;
  lockedUntil: number;
};

/** A current lockout of a login id (or, with `kind`, an address), 15 minutes left. */
export function lockout(
  value: string,
  patch: Partial<Omit<FakeLockout, 'value'>> = {},
): FakeLockout {
  return {
    kind: 'login',
    value,
    attempts: 10,
    lockedUntil: (NOW + 15 * 60) * 1000,
    ...patch,
  };
}

/** 30 zero-filled UTC days ending today, with `today` sign-ins on the last. */
export function daily(today: number, earlier: Record<number, number> = {}) {
  const start = NOW - (NOW % 86400);
  return {
    action: 'user.signin',
    days: Array.from({ length: 30 }, (_, i) => ({
      day: start - (29 - i) * 86400,
      count: i === 29 ? today : (earlier[29 - i] ?? 0),
    })),
  };
}

/**
 * The management endpoints over an in-memory directory. Searches filter by
 * text and page like the server; role and status changes update the user;
 * an unlock removes the lockout (400 for a kind other than login or address).
 */
export function fakeMgmt(
  options: {
    users?: FakeUser[];
    roles?: typeof ROLES;
    permissions?: typeof PERMISSIONS;
    audits?: ReturnType<typeof audit>[];
    daily?: ReturnType<typeof daily>;
    lockouts?: FakeLockout[];
    routes?: Record<string, FakeRoute>;
  } = {},
) {
  const users = [...(options.users ?? [])];
  const roles = options.roles ?? ROLES;
  const permissions = options.permissions ?? PERMISSIONS;
  const audits = options.audits ?? [];
  let lockouts = [...(options.lockouts ?? [])];
  const find = (loginId: string) => users.find((u) => u.loginIds[0] === loginId)!;

  return fakeApi({
    '/v2/mgmt/user/search': async (request) => {
      const {
        text = '',
        limit = 100,
        page = 0,
      } = await jsonBody<{
        text?: string;
        limit?: number;
        page?: number;
      }>(request);
      const needle = text.toLowerCase();
      const matching = users.filter(
        (u) =>
          u.loginIds[0]!.toLowerCase().includes(needle) ||
          u.name.toLowerCase().includes(needle),
      );
      return {
        body: {
          users: matching.slice(page * limit, page * limit + limit),
          total: matching.length,
        },
      };
    },
    '/v1/mgmt/user/create': async (request) => {
      const body = await jsonBody<{
        loginId: string;
        displayName: string;
        roleNames: string[];
      }>(request);
      const created = user(body.loginId, {
        name: body.displayName,
        roleNames: body.roleNames,
      });
      users.push(created);
      return { body: { user: created } };
    },
    '/v1/mgmt/user/update/role/set': async (request) => {
      const body = await jsonBody<{ loginId: string; roleNames: string[] }>(request);
      const u = find(body.loginId);
      u.roleNames = [...body.roleNames].sort();
      return { body: { user: { ...u } } };
    },
    '/v1/mgmt/user/update/status': async (request) => {
      const body = await jsonBody<{ loginId: string; status: string }>(request);
      const u = find(body.loginId);
      u.status = body.status;
      return { body: { user: { ...u } } };
    },
    '/v1/mgmt/user/logout': { body: {} },
    '/v1/mgmt/user/totp/delete': { body: {} },
    '/v1/mgmt/user/passkeys/delete': { body: {} },
    '/v1/mgmt/role/all': () => ({ body: { roles } }),
    '/v1/mgmt/role/create': { body: {} },
    '/v1/mgmt/role/update': { body: {} },
    '/v1/mgmt/role/delete': { body: {} },
    '/v1/mgmt/permission/all': () => ({ body: { permissions } }),
    '/v1/mgmt/permission/create': { body: {} },
    '/v1/mgmt/permission/delete': { body: {} },
    '/v1/mgmt/audit/search': async (request) => {
      const { actions = [], results = [] } = await jsonBody<{
        actions?: string[];
        results?: string[];
      }>(request);
      return {
        body: {
          audits: audits.filter(
            (a) =>
              (actions.length === 0 || actions.includes(a.action)) &&
              (results.length === 0 || results.includes(a.result)),
          ),
        },
      };
    },
    '/v1/mgmt/audit/daily': { body: options.daily ?? daily(0) },
    '/v1/mgmt/lockouts': () => ({ body: { lockouts } }),
    '/v1/mgmt/lockouts/unlock': async (request) => {
      const { kind, value } = await jsonBody<{ kind?: string; value?: string }>(request);
      if ((kind !== 'login' && kind !== 'address') || !value) {
        return {
          status: 400,
          body: {
            errorCode: 'E011001',
            errorDescription: 'Invalid argument',
            errorMessage: 'kind must be "login" or "address"',
          },
        };
      }
      lockouts = lockouts.filter((l) => !(l.kind === kind && l.value === value));
      return { body: {} };
    },
    ...options.routes,
  });
}

export const FORBIDDEN = {
  status: 403,
  body: {
    errorCode: 'E011403',
    errorDescription: 'Forbidden',
    errorMessage: 'The admin role is required',
  },
};

export const UNAUTHORIZED = {
  status: 401,
  body: {
    errorCode: 'E061005',
    errorDescription: 'Invalid token',
    errorMessage: 'Invalid management key',
  },
};
