// @descope/core-js-sdk (the HTTP layer of every Descope JS SDK) against Gatehouse:
// password sign-up/sign-in/replace/update/policy, refresh, try-refresh, me,
// history, logout, logoutAll (docs/descope-wire.md §3, §4.1, §2.2–§2.5).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import createSdk from '@descope/core-js-sdk';
import DescopeClient from '@descope/node-sdk';
import { startServer } from '../lib/server.mjs';
import {
  PASSWORD, PASSWORD2, PASSWORD3, uniqueEmail, decodeJwt, okData,
  assertDescopeError, assertJwtResponse, assertUserResponse,
} from '../lib/util.mjs';

let server;
let sdk;

before(async () => {
  server = await startServer();
  sdk = createSdk({ projectId: server.projectId, baseUrl: server.baseUrl });
});
after(async () => { await server?.stop(); });

async function signUp(name = 'Ann Example') {
  const loginId = uniqueEmail('corejs');
  const data = okData(await sdk.password.signUp(loginId, PASSWORD, { name }), 'signUp');
  return { loginId, data };
}

describe('password.policy', () => {
  test('returns the policy fields with their JSON types', async () => {
    const data = okData(await sdk.password.policy(), 'policy');
    assert.ok(Number.isInteger(data.minLength) && data.minLength >= 1);
    for (const k of ['lowercase', 'uppercase', 'number', 'nonAlphanumeric']) {
      assert.equal(typeof data[k], 'boolean', k);
    }
  });
});

describe('password.signUp', () => {
  test('returns a full JWTResponse with firstSeen and the new user', async () => {
    const loginId = uniqueEmail('signup');
    const res = await sdk.password.signUp(loginId, PASSWORD, { name: 'Ann Example' });
    const data = okData(res, 'signUp');
    const { session } = assertJwtResponse(data, server.projectId, { firstSeen: true, loginId });
    assert.equal(data.user.name, 'Ann Example');
    assert.equal(data.user.email, loginId, 'an email login id fills user.email');
    assert.equal(data.user.password, true, 'user.password flags a password credential');
    assert.equal(data.user.status, 'enabled');
    assert.deepEqual(session.payload.amr, ['pwd']);
    assert.deepEqual(session.payload.roles, []);
    assert.deepEqual(session.payload.tenants, {});
    // core-js' own JWT helpers read our claim layout
    assert.deepEqual(sdk.getJwtRoles(data.sessionJwt), []);
    assert.deepEqual(sdk.getJwtPermissions(data.sessionJwt), []);
    assert.equal(sdk.isJwtExpired(data.sessionJwt), false);
  });

  test('composes the name from givenName and familyName', async () => {
    const loginId = uniqueEmail('given');
    const data = okData(await sdk.password.signUp(loginId, PASSWORD, { givenName: 'Grace', familyName: 'Hopper' }));
    assert.equal(data.user.name, 'Grace Hopper');
  });

  test('an existing login id is E062107', async () => {
    const { loginId } = await signUp();
    const res = await sdk.password.signUp(loginId, PASSWORD2);
    assertDescopeError(res, [400, 409], 'E062107');
  });

  test('simultaneous sign-ups of one login id: exactly one wins, the rest get E062107', async () => {
    const loginId = uniqueEmail('race');
    const all = await Promise.all(Array.from({ length: 6 }, () => sdk.password.signUp(loginId, PASSWORD)));
    assert.equal(all.filter((r) => r.ok).length, 1);
    for (const r of all.filter((x) => !x.ok)) assertDescopeError(r, [400, 409], 'E062107');
  });

  test('a password below the policy is 400 E011003', async () => {
    const res = await sdk.password.signUp(uniqueEmail('weak'), 'short');
    assertDescopeError(res, 400, 'E011003');
  });
});

describe('password.signIn', () => {
  test('returns a JWTResponse with firstSeen false', async () => {
    const { loginId, data: up } = await signUp();
    const data = okData(await sdk.password.signIn(loginId, PASSWORD), 'signIn');
    assertJwtResponse(data, server.projectId, { firstSeen: false, loginId });
    assert.equal(data.user.userId, up.user.userId);
    assert.notEqual(data.refreshJwt, up.refreshJwt, 'each sign-in gets its own refresh token');
  });

  test('email login ids are case-insensitive', async () => {
    const { loginId, data: up } = await signUp();
    const data = okData(await sdk.password.signIn(loginId.toUpperCase(), PASSWORD), 'signIn');
    assert.equal(data.user.userId, up.user.userId);
    assert.equal(data.user.loginIds[0], loginId);
  });

  test('a wrong password is 401 with a Descope error body', async () => {
    const { loginId } = await signUp();
    const res = await sdk.password.signIn(loginId, PASSWORD2);
    assertDescopeError(res, 401, 'E062111');
  });

  test('an unknown login id is refused like a wrong password', async () => {
    const res = await sdk.password.signIn(uniqueEmail('nobody'), PASSWORD);
    assertDescopeError(res, 401, 'E062111');
  });

  test('a stored garbage refresh token in the bearer is ignored (§1.2)', async () => {
    const { loginId } = await signUp();
    // web-js attaches whatever DSR it has to every request
    const res = await sdk.httpClient.post('/v1/auth/password/signin',
      { loginId, password: PASSWORD }, { token: 'not-a-jwt' });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(typeof body.sessionJwt, 'string');
  });

  test('a wrong project id is 401', async () => {
    const { loginId } = await signUp();
    const other = createSdk({ projectId: 'P' + 'x'.repeat(27), baseUrl: server.baseUrl });
    assertDescopeError(await other.password.signIn(loginId, PASSWORD), 401);
  });
});

describe('password.replace', () => {
  test('replaces the password and signs the user in', async () => {
    const { loginId, data: up } = await signUp();
    const data = okData(await sdk.password.replace(loginId, PASSWORD, PASSWORD2), 'replace');
    assertJwtResponse(data, server.projectId, { loginId });
    assert.equal(data.user.userId, up.user.userId);
    assertDescopeError(await sdk.password.signIn(loginId, PASSWORD), 401);
    okData(await sdk.password.signIn(loginId, PASSWORD2), 'signIn with the new password');
  });

  test('a wrong old password is 401 and changes nothing', async () => {
    const { loginId } = await signUp();
    assertDescopeError(await sdk.password.replace(loginId, PASSWORD3, PASSWORD2), 401);
    okData(await sdk.password.signIn(loginId, PASSWORD), 'old password still works');
  });

  test('a new password below the policy is 400 E011003', async () => {
    const { loginId } = await signUp();
    assertDescopeError(await sdk.password.replace(loginId, PASSWORD, 'short'), 400, 'E011003');
    okData(await sdk.password.signIn(loginId, PASSWORD), 'old password still works');
  });
});

describe('password.update', () => {
  test('sets a new password with the refresh token and answers {}', async () => {
    const { loginId, data: up } = await signUp();
    const res = await sdk.password.update(loginId, PASSWORD2, up.refreshJwt);
    const data = okData(res, 'update');
    assert.deepEqual(data, {});
    assertDescopeError(await sdk.password.signIn(loginId, PASSWORD), 401);
    okData(await sdk.password.signIn(loginId, PASSWORD2), 'signIn with the new password');
  });

  test('without a refresh token it is 401', async () => {
    const { loginId } = await signUp();
    assertDescopeError(await sdk.password.update(loginId, PASSWORD2), 401);
    okData(await sdk.password.signIn(loginId, PASSWORD));
  });

  test("cannot change another user's password", async () => {
    const a = await signUp();
    const b = await signUp();
    const res = await sdk.password.update(b.loginId, PASSWORD2, a.data.refreshJwt);
    assertDescopeError(res, [401, 403]);
    okData(await sdk.password.signIn(b.loginId, PASSWORD), 'victim password unchanged');
  });

  test('a password below the policy is 400 E011003', async () => {
    const { loginId, data: up } = await signUp();
    assertDescopeError(await sdk.password.update(loginId, 'short', up.refreshJwt), 400, 'E011003');
  });
});

describe('refresh', () => {
  test('returns a new session JWT for the same user, with the user object', async () => {
    const { data: up } = await signUp();
    const data = okData(await sdk.refresh(up.refreshJwt), 'refresh');
    assert.equal(typeof data.sessionJwt, 'string');
    const s = decodeJwt(data.sessionJwt);
    assert.equal(s.payload.sub, up.user.userId);
    assert.equal(s.payload.drn, 'DS');
    assert.deepEqual(s.payload.amr, ['pwd'], 'amr survives a refresh');
    assert.equal(data.sessionExpiration, s.payload.exp);
    assert.equal(typeof data.cookieExpiration, 'number');
    assert.equal(typeof data.cookieMaxAge, 'number');
    assert.equal(data.user?.userId, up.user.userId);
    assert.equal(data.firstSeen, false);
  });

  test('rotates the refresh token; the new one works too', async () => {
    const { data: up } = await signUp();
    const first = okData(await sdk.refresh(up.refreshJwt), 'refresh');
    assert.equal(typeof first.refreshJwt, 'string');
    assert.notEqual(first.refreshJwt, up.refreshJwt, 'Gatehouse rotates on every refresh');
    const second = okData(await sdk.refresh(first.refreshJwt), 'refresh with the rotated token');
    assert.equal(decodeJwt(second.sessionJwt).payload.sub, up.user.userId);
  });

  test('tabs refreshing with the same token at the same moment all succeed', async () => {
    const { data: up } = await signUp();
    const all = await Promise.all(Array.from({ length: 12 }, () => sdk.refresh(up.refreshJwt)));
    for (const r of all) okData(r, 'concurrent refresh');
    for (const r of all) okData(await sdk.refresh(r.data.refreshJwt), 'each rotated token works');
  });

  test('a garbage token is 401 E061005', async () => {
    assertDescopeError(await sdk.refresh('garbage'), 401, 'E061005');
  });

  test('a session JWT is not accepted as a refresh token', async () => {
    const { data: up } = await signUp();
    assertDescopeError(await sdk.refresh(up.sessionJwt), 401);
  });

  test('no token at all is 401', async () => {
    assertDescopeError(await sdk.refresh(), 401);
  });
});

describe('try-refresh', () => {
  test('a valid token answers like refresh', async () => {
    const { data: up } = await signUp();
    const data = okData(await sdk.refresh(up.refreshJwt, undefined, undefined, true), 'try-refresh');
    assert.equal(decodeJwt(data.sessionJwt).payload.sub, up.user.userId);
  });

  test('a missing or garbage token answers 200 {}', async () => {
    assert.deepEqual(okData(await sdk.refresh(undefined, undefined, undefined, true)), {});
    assert.deepEqual(okData(await sdk.refresh('garbage', undefined, undefined, true)), {});
  });
});

describe('me', () => {
  test('returns the UserResponse at top level', async () => {
    const { loginId, data: up } = await signUp('Me Myself');
    const data = okData(await sdk.me(up.refreshJwt), 'me');
    assertUserResponse(data);
    assert.equal(data.userId, up.user.userId);
    assert.deepEqual(data.loginIds, [loginId]);
    assert.equal(data.name, 'Me Myself');
    assert.equal(data.email, loginId);
  });

  test('without a valid refresh token it is 401', async () => {
    assertDescopeError(await sdk.me(), 401);
    assertDescopeError(await sdk.me('garbage'), 401);
  });
});

describe('history', () => {
  test('is a JSON array of sign-ins with loginTime in seconds', async () => {
    const { loginId, data: up } = await signUp();
    okData(await sdk.password.signIn(loginId, PASSWORD));
    const data = okData(await sdk.history(up.refreshJwt), 'history');
    assert.ok(Array.isArray(data), 'history is an array');
    assert.ok(data.length >= 2, `sign-up and sign-in are both listed (${data.length})`);
    const now = Math.floor(Date.now() / 1000);
    for (const h of data) {
      assert.equal(h.userId, up.user.userId);
      assert.ok(Number.isInteger(h.loginTime) && Math.abs(h.loginTime - now) < 600, 'loginTime in seconds');
      for (const k of ['city', 'country', 'ip']) assert.equal(typeof h[k], 'string', k);
    }
  });

  test('without a valid refresh token it is 401', async () => {
    assertDescopeError(await sdk.history('garbage'), 401);
  });
});

describe('logout', () => {
  test('answers {} and revokes that sign-in (E064001 afterwards)', async () => {
    const { data: up } = await signUp();
    const res = await sdk.logout(up.refreshJwt);
    assert.deepEqual(okData(res, 'logout'), {});
    assertDescopeError(await sdk.refresh(up.refreshJwt), 401, 'E064001');
    assertDescopeError(await sdk.me(up.refreshJwt), 401);
  });

  test("revokes the sign-in's rotated tokens but not other sign-ins", async () => {
    const { loginId, data: up } = await signUp();
    const other = okData(await sdk.password.signIn(loginId, PASSWORD));
    const rotated = okData(await sdk.refresh(up.refreshJwt)).refreshJwt;
    okData(await sdk.logout(up.refreshJwt), 'logout with the replaced (grace) token');
    assertDescopeError(await sdk.refresh(rotated), 401, 'E064001');
    okData(await sdk.refresh(other.refreshJwt), 'the other sign-in is still alive');
  });

  test('with a garbage token it is 401', async () => {
    assertDescopeError(await sdk.logout('garbage'), 401);
  });
});

describe('logoutAll', () => {
  test("answers {} and revokes every sign-in of the user only", async () => {
    const { loginId, data: a } = await signUp();
    const b = okData(await sdk.password.signIn(loginId, PASSWORD));
    const stranger = await signUp();
    assert.deepEqual(okData(await sdk.logoutAll(a.refreshJwt), 'logoutAll'), {});
    assertDescopeError(await sdk.refresh(a.refreshJwt), 401, 'E064001');
    assertDescopeError(await sdk.refresh(b.refreshJwt), 401, 'E064001');
    okData(await sdk.refresh(stranger.data.refreshJwt), "another user's session survives");
    okData(await sdk.password.signIn(loginId, PASSWORD), 'the user can sign in again');
  });
});

describe('tenants (session side)', () => {
  async function memberOfNewTenant() {
    const { key } = server.createManagementKey('core-js-tenants');
    const mgmt = DescopeClient({ projectId: server.projectId, baseUrl: server.baseUrl, managementKey: key });
    const { loginId, data: up } = await signUp();
    const tenantId = okData(await mgmt.management.tenant.create('Acme Corp'), 'tenant.create').id;
    okData(await mgmt.management.user.addTenant(loginId, tenantId), 'addTenant');
    return { loginId, up, tenantId };
  }

  test('selectTenant returns a JWTResponse whose session carries dct', async () => {
    const { loginId, up, tenantId } = await memberOfNewTenant();
    const data = okData(await sdk.selectTenant(tenantId, up.refreshJwt), 'selectTenant');
    const { session, refresh } = assertJwtResponse(data, server.projectId, { loginId });
    assert.equal(session.payload.dct, tenantId);
    assert.equal(sdk.getCurrentTenant(data.sessionJwt), tenantId);
    assert.ok(session.payload.tenants[tenantId], 'the selected tenant is in the tenants claim');
    // refresh keeps dct (§3 "Keep dct from the refresh token")
    const again = okData(await sdk.refresh(data.refreshJwt), 'refresh after select');
    assert.equal(decodeJwt(again.sessionJwt).payload.dct, tenantId);
    assert.ok(refresh.payload.sub);
    // a tenant the user is not a member of is refused
    assertDescopeError(await sdk.selectTenant('T-not-a-member', up.refreshJwt), [400, 401, 403]);
  });

  test('myTenants lists the current tenant (dct) or the given ids', async () => {
    const { up, tenantId } = await memberOfNewTenant();
    const byIds = okData(await sdk.myTenants([tenantId], up.refreshJwt), 'myTenants(ids)');
    assert.deepEqual(byIds.tenants.map((t) => [t.id, t.name]), [[tenantId, 'Acme Corp']]);
    const selected = okData(await sdk.selectTenant(tenantId, up.refreshJwt), 'selectTenant');
    const current = okData(await sdk.myTenants(true, selected.refreshJwt), 'myTenants(dct)');
    assert.deepEqual(current.tenants.map((t) => t.id), [tenantId]);
  });
});
