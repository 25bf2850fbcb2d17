// @descope/node-sdk session side (docs/descope-wire.md §5.2): validateSession, the role and
// permission checks, refreshSession, validateAndRefreshSession, logout — all on
// tokens Gatehouse issued, with roles and permissions set up through the
// management API.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import DescopeClient from '@descope/node-sdk';
import { startServer } from '../lib/server.mjs';
import { PASSWORD, uniqueEmail, decodeJwt, okData, assertDescopeError } from '../lib/util.mjs';

let server;
let client; // auth + management
let mgmt;
let tenantId;
let user; // { loginId, signIn } with roles [editor, viewer] and tenant roles [viewer]

before(async () => {
  server = await startServer();
  const { key } = server.createManagementKey('node-session');
  client = DescopeClient({ projectId: server.projectId, baseUrl: server.baseUrl, managementKey: key });
  mgmt = client.management;
  okData(await mgmt.permission.create('docs.read', 'read documents'), 'permission.create');
  okData(await mgmt.permission.create('docs.write', 'write documents'), 'permission.create');
  okData(await mgmt.permission.create('billing', 'see invoices'), 'permission.create');
  okData(await mgmt.role.create('viewer', 'reads', ['docs.read']), 'role.create viewer');
  okData(await mgmt.role.create('editor', 'writes', ['docs.read', 'docs.write']), 'role.create editor');
  okData(await mgmt.role.create('accountant', 'pays', ['billing']), 'role.create accountant');
  tenantId = okData(await mgmt.tenant.create('Tenant One'), 'tenant.create').id;

  const loginId = uniqueEmail('session');
  okData(await client.password.signUp(loginId, PASSWORD, { name: 'Sess Ion' }), 'signUp');
  okData(await mgmt.user.setRoles(loginId, ['editor', 'viewer']), 'setRoles');
  okData(await mgmt.user.addTenant(loginId, tenantId), 'addTenant');
  okData(await mgmt.user.setTenantRoles(loginId, tenantId, ['accountant']), 'setTenantRoles');
  const signIn = okData(await client.password.signIn(loginId, PASSWORD), 'signIn');
  user = { loginId, signIn };
});
after(async () => { await server?.stop(); });

describe('validateSession', () => {
  test('verifies a Gatehouse session JWT and returns its claims', async () => {
    const info = await client.validateSession(user.signIn.sessionJwt);
    assert.equal(info.jwt, user.signIn.sessionJwt);
    assert.equal(info.token.sub, user.signIn.user.userId);
    assert.equal(info.token.iss, server.projectId);
    assert.equal(info.token.drn, 'DS');
    assert.deepEqual([...info.token.roles].sort(), ['editor', 'viewer']);
  });

  test('rejects a tampered token', async () => {
    const [h, p, s] = user.signIn.sessionJwt.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url'));
    claims.roles = ['admin'];
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    await assert.rejects(client.validateSession(forged), /session validation failed/);
  });

  test('rejects garbage and an empty token', async () => {
    await assert.rejects(client.validateSession('a.b.c'));
    await assert.rejects(client.validateSession(''));
  });

  test('a client for another project id rejects the token (iss check)', async () => {
    const other = DescopeClient({ projectId: 'P' + 'q'.repeat(27), baseUrl: server.baseUrl });
    await assert.rejects(other.validateSession(user.signIn.sessionJwt));
  });
});

describe('roles and permissions', () => {
  test('validateRoles / getMatchedRoles read the roles claim', async () => {
    const info = await client.validateSession(user.signIn.sessionJwt);
    assert.equal(client.validateRoles(info, ['editor']), true);
    assert.equal(client.validateRoles(info, ['editor', 'viewer']), true);
    assert.equal(client.validateRoles(info, ['accountant']), false, 'tenant roles are not project roles');
    assert.equal(client.validateRoles(info, []), true);
    assert.deepEqual(client.getMatchedRoles(info, ['viewer', 'admin']), ['viewer']);
  });

  test('validatePermissions sees the union of the roles\' permissions', async () => {
    const info = await client.validateSession(user.signIn.sessionJwt);
    assert.deepEqual([...info.token.permissions].sort(), ['docs.read', 'docs.write']);
    assert.equal(client.validatePermissions(info, ['docs.read', 'docs.write']), true);
    assert.equal(client.validatePermissions(info, ['billing']), false);
    assert.deepEqual(client.getMatchedPermissions(info, ['billing', 'docs.write']), ['docs.write']);
  });

  test('validateTenantRoles reads tenants[tenantId].roles', async () => {
    const info = await client.validateSession(user.signIn.sessionJwt);
    assert.deepEqual(info.token.tenants[tenantId].roles, ['accountant']);
    assert.equal(client.validateTenantRoles(info, tenantId, ['accountant']), true);
    assert.equal(client.validateTenantRoles(info, tenantId, ['editor']), false);
    assert.equal(client.validateTenantRoles(info, 'T-unknown', []), false, 'not a member');
    assert.deepEqual(client.getMatchedTenantRoles(info, tenantId, ['accountant', 'viewer']), ['accountant']);
  });

  test("validateTenantPermissions sees the tenant roles' permissions", async () => {
    const info = await client.validateSession(user.signIn.sessionJwt);
    assert.deepEqual(info.token.tenants[tenantId].permissions, ['billing'],
      `tenants[${tenantId}].permissions must be the union of the tenant roles' permissions (§2.2)`);
    assert.equal(client.validateTenantPermissions(info, tenantId, ['billing']), true);
    assert.equal(client.validateTenantPermissions(info, tenantId, ['docs.write']), false);
  });
});

describe('refreshSession', () => {
  test('returns a validated new session, the DSR cookie and the rotated refresh JWT', async () => {
    const up = okData(await client.password.signIn(user.loginId, PASSWORD));
    const info = await client.refreshSession(up.refreshJwt);
    // (the session JWT may equal the sign-in's one: same claims in the same second)
    assert.equal(info.token.sub, up.user.userId);
    assert.equal(info.token.drn, 'DS');
    assert.equal(typeof info.refreshJwt, 'string');
    assert.ok(info.refreshJwt !== up.refreshJwt, 'the refresh token was rotated');
    assert.equal(decodeJwt(info.refreshJwt).payload.drn, 'DSR');
    assert.ok(Array.isArray(info.cookies) && info.cookies.length === 1);
    assert.match(info.cookies[0], /^DSR=[^;]+; Domain=; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Strict$/);
  });

  test('picks up role changes made since the sign-in', async () => {
    const loginId = uniqueEmail('rolechange');
    const up = okData(await client.password.signUp(loginId, PASSWORD));
    assert.deepEqual(decodeJwt(up.sessionJwt).payload.roles, []);
    okData(await mgmt.user.addRoles(loginId, ['accountant']));
    const info = await client.refreshSession(up.refreshJwt);
    assert.deepEqual(info.token.roles, ['accountant']);
    assert.deepEqual(info.token.permissions, ['billing']);
  });

  test('rejects a garbage refresh token before calling the server', async () => {
    await assert.rejects(client.refreshSession('garbage'), /refresh token validation failed/);
  });

  test('the password.signIn response carries the node-sdk DSR cookie', async () => {
    const res = okData(await client.password.signIn(user.loginId, PASSWORD));
    assert.match(res.cookies[0], /^DSR=/);
    assert.equal(res.refreshJwt, res.cookies[0].slice(4, res.cookies[0].indexOf(';')));
  });
});

describe('validateAndRefreshSession', () => {
  test('a valid session is returned as is', async () => {
    const up = okData(await client.password.signIn(user.loginId, PASSWORD));
    const info = await client.validateAndRefreshSession(up.sessionJwt, up.refreshJwt);
    assert.equal(info.jwt, up.sessionJwt);
  });

  test('an invalid session falls back to the refresh token', async () => {
    const up = okData(await client.password.signIn(user.loginId, PASSWORD));
    const info = await client.validateAndRefreshSession('not-a-session', up.refreshJwt);
    assert.equal(info.token.sub, up.user.userId);
    // only the refresh path returns a refreshJwt (and Gatehouse rotates it)
    assert.equal(typeof info.refreshJwt, 'string', 'the refresh path was taken');
    assert.ok(info.refreshJwt !== up.refreshJwt, 'the refresh token was rotated');
    await client.validateSession(info.jwt);
  });

  test('an invalid session with a revoked refresh token is rejected', async () => {
    const up = okData(await client.password.signIn(user.loginId, PASSWORD));
    okData(await client.logout(up.refreshJwt));
    await assert.rejects(client.validateAndRefreshSession('not-a-session', up.refreshJwt));
  });
});

describe('logout', () => {
  test('logout ends the sign-in: refreshSession fails afterwards', async () => {
    const up = okData(await client.password.signIn(user.loginId, PASSWORD));
    const res = await client.logout(up.refreshJwt);
    assert.equal(res.ok, true);
    await assert.rejects(client.refreshSession(up.refreshJwt));
    const raw = await client.refresh(up.refreshJwt);
    assertDescopeError(raw, 401, 'E064001');
  });

  test('logoutAll ends every sign-in of the user', async () => {
    const loginId = uniqueEmail('logoutall');
    const a = okData(await client.password.signUp(loginId, PASSWORD));
    const b = okData(await client.password.signIn(loginId, PASSWORD));
    assert.equal((await client.logoutAll(b.refreshJwt)).ok, true);
    await assert.rejects(client.refreshSession(a.refreshJwt));
    await assert.rejects(client.refreshSession(b.refreshJwt));
  });

  test('me returns the user for a live refresh token', async () => {
    const up = okData(await client.password.signIn(user.loginId, PASSWORD));
    const me = okData(await client.me(up.refreshJwt));
    assert.equal(me.userId, up.user.userId);
    assert.deepEqual([...me.roleNames].sort(), ['editor', 'viewer']);
    assert.deepEqual(me.userTenants.map((t) => [t.tenantId, t.tenantName, t.roleNames]),
      [[tenantId, 'Tenant One', ['accountant']]]);
  });
});
