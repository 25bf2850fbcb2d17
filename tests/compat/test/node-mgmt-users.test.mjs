// @descope/node-sdk management API, users (docs/descope-wire.md §6.1): create, load, search,
// update, patch, delete, status, roles, tenants, passwords, logout.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import DescopeClient from '@descope/node-sdk';
import { startServer } from '../lib/server.mjs';
import {
  PASSWORD, PASSWORD2, PASSWORD3, uniqueEmail, decodeJwt, okData,
  assertDescopeError, assertUserResponse,
} from '../lib/util.mjs';

let server;
let client;
let mgmt;

before(async () => {
  server = await startServer();
  const { key } = server.createManagementKey('node-mgmt-users');
  client = DescopeClient({ projectId: server.projectId, baseUrl: server.baseUrl, managementKey: key });
  mgmt = client.management;
  // teacher and student are seeded by Gatehouse (the tutorial's roles)
  const have = okData(await mgmt.role.loadAll(), 'role.loadAll').map((r) => r.name);
  for (const r of ['teacher', 'student', 'ta']) {
    if (!have.includes(r)) okData(await mgmt.role.create(r, `${r} role`), `role.create ${r}`);
  }
});
after(async () => { await server?.stop(); });

// A user created through management, with a password so it can sign in.
async function createUser(opts = {}) {
  const loginId = uniqueEmail(opts.tag ?? 'mgmt');
  const user = okData(await mgmt.user.create(loginId, { displayName: 'Made By Mgmt', ...opts.fields }), 'user.create');
  if (opts.password !== false) okData(await mgmt.user.setActivePassword(loginId, PASSWORD), 'setActivePassword');
  return { loginId, user };
}

async function assertNoSuchUser(loginId) {
  const res = await mgmt.user.load(loginId);
  assertDescopeError(res, [400, 404]);
}

describe('user.create', () => {
  test('creates a user and returns the UserResponse', async () => {
    const loginId = uniqueEmail('create');
    const u = okData(await mgmt.user.create(loginId, {
      email: loginId, phone: '+15555550100', displayName: 'Ada Lovelace',
      roles: ['teacher'], verifiedEmail: true, picture: 'https://example.com/a.png',
    }), 'create');
    assertUserResponse(u);
    assert.deepEqual(u.loginIds, [loginId]);
    assert.equal(u.name, 'Ada Lovelace');
    assert.equal(u.email, loginId);
    assert.equal(u.phone, '+15555550100');
    assert.equal(u.verifiedEmail, true);
    assert.equal(u.picture, 'https://example.com/a.png');
    assert.deepEqual(u.roleNames, ['teacher']);
    assert.equal(u.status, 'enabled');
    assert.equal(u.password, false, 'no credential yet');
  });

  test('the positional (legacy) signature works too', async () => {
    const loginId = uniqueEmail('legacy');
    const u = okData(await mgmt.user.create(loginId, loginId, undefined, 'Legacy Call', ['student']));
    assert.equal(u.name, 'Legacy Call');
    assert.deepEqual(u.roleNames, ['student']);
  });

  test('createTestUser creates a user', async () => {
    const loginId = uniqueEmail('testuser');
    const u = okData(await mgmt.user.createTestUser(loginId, { displayName: 'Test User' }));
    assert.deepEqual(u.loginIds, [loginId]);
  });

  test('an existing login id is E062107 and the user is unchanged', async () => {
    const { loginId, user } = await createUser({ fields: { roles: ['teacher'] } });
    const res = await mgmt.user.create(loginId, { displayName: 'Imposter', roles: ['student'] });
    assertDescopeError(res, [400, 409], 'E062107');
    const again = okData(await mgmt.user.load(loginId), 'user.load');
    assert.equal(again.userId, user.userId);
    assert.equal(again.name, 'Made By Mgmt');
    assert.deepEqual(again.roleNames, ['teacher']);
  });

  test('an unknown role is 400 E011003 and nothing is written', async () => {
    const loginId = uniqueEmail('badrole');
    const res = await mgmt.user.create(loginId, { roles: ['teacher', 'no-such-role'] });
    assertDescopeError(res, 400, 'E011003');
    await assertNoSuchUser(loginId);
  });

  test('an unknown tenant is refused and nothing is written', async () => {
    const loginId = uniqueEmail('badtenant');
    const res = await mgmt.user.create(loginId, { userTenants: [{ tenantId: 'T-no-such-tenant', roleNames: [] }] });
    assertDescopeError(res, [400, 404]);
    await assertNoSuchUser(loginId);
  });
});

describe('user.load', () => {
  test('by login id and by user id return the same user', async () => {
    const { loginId, user } = await createUser();
    const byLogin = okData(await mgmt.user.load(loginId), 'load');
    const byId = okData(await mgmt.user.loadByUserId(user.userId), 'loadByUserId');
    assertUserResponse(byLogin);
    assert.deepEqual(byId, byLogin);
    assert.equal(byLogin.userId, user.userId);
    assert.equal(byLogin.password, true, 'setActivePassword gave it a password');
  });

  test('login ids are case-insensitive', async () => {
    const { loginId, user } = await createUser();
    assert.equal(okData(await mgmt.user.load(loginId.toUpperCase()), 'user.load').userId, user.userId);
  });

  test('an unknown login id or user id is a Descope error (E112102)', async () => {
    assertDescopeError(await mgmt.user.load(uniqueEmail('ghost')), [400, 404], 'E112102');
    assertDescopeError(await mgmt.user.loadByUserId('U' + 'z'.repeat(27)), [400, 404], 'E112102');
  });

  test('loadUsers returns the listed users', async () => {
    const a = await createUser();
    const b = await createUser();
    const users = okData(await mgmt.user.loadUsers([a.user.userId, b.user.userId]), 'loadUsers');
    assert.deepEqual(users.map((u) => u.userId).sort(), [a.user.userId, b.user.userId].sort());
  });

  test('mgmt calls accept a user id where node-sdk says loginIdOrUserId', async () => {
    const { user } = await createUser();
    okData(await mgmt.user.load(user.userId), 'load(userId)');
    okData(await mgmt.user.addRoles(user.userId, ['ta']), 'addRoles(userId)');
  });
});

describe('user.search', () => {
  test('v2 search filters by role and pages with a total', async () => {
    const role = 'ta';
    const made = [];
    for (let i = 0; i < 3; i += 1) made.push((await createUser({ tag: 'search', fields: { roles: [role] } })).user.userId);
    const all = okData(await mgmt.user.search({ roles: [role], limit: 100 }), 'search');
    assert.ok(Number.isInteger(all.total));
    for (const id of made) assert.ok(all.users.some((u) => u.userId === id), `search finds ${id}`);
    for (const u of all.users) assert.ok(u.roleNames.includes(role));
    assert.equal(all.total, all.users.length);

    const page0 = okData(await mgmt.user.search({ roles: [role], limit: 2, page: 0 }));
    const page1 = okData(await mgmt.user.search({ roles: [role], limit: 2, page: 1 }));
    assert.equal(page0.users.length, 2);
    assert.equal(page0.total, all.total, 'total counts every match, not the page');
    const ids = [...page0.users, ...page1.users].map((u) => u.userId);
    assert.equal(new Set(ids).size, ids.length, 'pages do not overlap');
  });

  test('v2 search by loginIds, emails, userIds and text', async () => {
    const { loginId, user } = await createUser({ tag: 'needle' });
    const byLogin = okData(await mgmt.user.search({ loginIds: [loginId] }));
    assert.deepEqual(byLogin.users.map((u) => u.userId), [user.userId]);
    const byEmail = okData(await mgmt.user.search({ emails: [loginId] }));
    assert.deepEqual(byEmail.users.map((u) => u.userId), [user.userId]);
    const byId = okData(await mgmt.user.search({ userIds: [user.userId] }));
    assert.deepEqual(byId.users.map((u) => u.userId), [user.userId]);
    const byText = okData(await mgmt.user.search({ text: loginId.split('@')[0] }));
    assert.ok(byText.users.some((u) => u.userId === user.userId));
  });

  test('v2 search by status', async () => {
    const { loginId, user } = await createUser();
    okData(await mgmt.user.deactivate(loginId));
    const disabled = okData(await mgmt.user.search({ statuses: ['disabled'] }));
    assert.ok(disabled.users.some((u) => u.userId === user.userId));
    assert.ok(disabled.users.every((u) => u.status === 'disabled'));
  });

  test('searchAll (positional) returns an array', async () => {
    const { user } = await createUser({ fields: { roles: ['student'] } });
    const users = okData(await mgmt.user.searchAll(undefined, ['student'], 100, 0), 'searchAll');
    assert.ok(Array.isArray(users));
    assert.ok(users.some((u) => u.userId === user.userId));
  });

  test('legacy POST /v1/mgmt/user/search (older Python search_all) answers {users, total}', async () => {
    const { user } = await createUser({ fields: { roles: ['student'] } });
    const { key } = server.createManagementKey('legacy-search');
    const res = await fetch(`${server.baseUrl}/v1/mgmt/user/search`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.projectId}:${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ roleNames: ['student'], limit: 0, page: 0, tenantIds: null, customAttributes: null }),
    });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.ok(Array.isArray(body.users) && Number.isInteger(body.total));
    assert.ok(body.users.some((u) => u.userId === user.userId), 'limit 0 = server default page');
  });

  test('searchTestUsers (POST /v2/mgmt/user/search/test)', async () => {
    const loginId = uniqueEmail('tu');
    okData(await mgmt.user.createTestUser(loginId));
    const found = okData(await mgmt.user.searchTestUsers({ loginIds: [loginId] }));
    assert.equal(found.users.length, 1);
    assert.equal(found.users[0].test, true);
  });
});

describe('user.update and user.patch', () => {
  test('update replaces the whole profile: absent fields become empty', async () => {
    const { loginId, user } = await createUser({
      fields: { phone: '+15555550101', roles: ['teacher'], picture: 'https://example.com/p.png' },
    });
    const u = okData(await mgmt.user.update(loginId, { email: 'new@compat.example', displayName: 'Renamed', roles: ['student'] }), 'update');
    assert.equal(u.userId, user.userId);
    assert.equal(u.email, 'new@compat.example');
    assert.equal(u.name, 'Renamed');
    assert.deepEqual(u.roleNames, ['student']);
    assert.equal(u.phone, '', 'phone cleared');
    assert.equal(u.picture, '', 'picture cleared');
    assert.deepEqual(okData(await mgmt.user.load(loginId), 'user.load'), u);
    assert.equal(u.status, 'enabled', 'update does not touch the status');
    okData(await client.password.signIn(loginId, PASSWORD), 'the password survives an update');
  });

  test('patch changes only the given fields', async () => {
    const { loginId } = await createUser({ fields: { phone: '+15555550102', roles: ['teacher'] } });
    const u = okData(await mgmt.user.patch(loginId, { displayName: 'Patched Name' }), 'patch');
    assert.equal(u.name, 'Patched Name');
    assert.equal(u.phone, '+15555550102');
    assert.deepEqual(u.roleNames, ['teacher']);
    const u2 = okData(await mgmt.user.patch(loginId, { roles: ['teacher', 'ta'], verifiedPhone: true }));
    assert.deepEqual([...u2.roleNames].sort(), ['ta', 'teacher']);
    assert.equal(u2.verifiedPhone, true);
    assert.equal(u2.name, 'Patched Name');
  });

  test('update with an unknown role fails and changes nothing', async () => {
    const { loginId } = await createUser({ fields: { roles: ['teacher'] } });
    const res = await mgmt.user.update(loginId, { displayName: 'Should Not Stick', roles: ['nope'] });
    assertDescopeError(res, 400, 'E011003');
    const u = okData(await mgmt.user.load(loginId), 'user.load');
    assert.equal(u.name, 'Made By Mgmt');
    assert.deepEqual(u.roleNames, ['teacher']);
  });

  test('update / patch of an unknown user is a Descope error', async () => {
    assertDescopeError(await mgmt.user.update(uniqueEmail('ghost'), { displayName: 'x' }), [400, 404]);
    assertDescopeError(await mgmt.user.patch(uniqueEmail('ghost'), { displayName: 'x' }), [400, 404]);
  });

  test('updateDisplayName, updateEmail, updatePhone, updatePicture', async () => {
    const { loginId } = await createUser();
    assert.equal(okData(await mgmt.user.updateDisplayName(loginId, 'Dee Name')).name, 'Dee Name');
    const e = okData(await mgmt.user.updateEmail(loginId, 'other@compat.example', true));
    assert.equal(e.email, 'other@compat.example');
    assert.equal(e.verifiedEmail, true);
    const p = okData(await mgmt.user.updatePhone(loginId, '+15555550199', false));
    assert.equal(p.phone, '+15555550199');
    assert.equal(okData(await mgmt.user.updatePicture(loginId, 'https://example.com/x.png')).picture, 'https://example.com/x.png');
  });

  test('updateLoginId moves the user to a new login id', async () => {
    const { loginId, user } = await createUser();
    const next = uniqueEmail('moved');
    const u = okData(await mgmt.user.updateLoginId(loginId, next));
    assert.deepEqual(u.loginIds, [next]);
    assert.equal(okData(await mgmt.user.load(next), 'user.load').userId, user.userId);
    await assertNoSuchUser(loginId);
    okData(await client.password.signIn(next, PASSWORD), 'sign in with the new login id');
  });
});

describe('user.delete', () => {
  test('delete by login id removes the user and its sessions; deleting again is ok', async () => {
    const { loginId } = await createUser();
    const s = okData(await client.password.signIn(loginId, PASSWORD));
    assert.equal((await mgmt.user.delete(loginId)).ok, true);
    await assertNoSuchUser(loginId);
    assertDescopeError(await client.refresh(s.refreshJwt), 401);
    assertDescopeError(await client.password.signIn(loginId, PASSWORD), 401);
    assert.equal((await mgmt.user.delete(loginId)).ok, true, 'delete is idempotent');
  });

  test('deleteByUserId removes the user', async () => {
    const { loginId, user } = await createUser();
    assert.equal((await mgmt.user.deleteByUserId(user.userId)).ok, true);
    await assertNoSuchUser(loginId);
  });
});

describe('user status', () => {
  test('deactivate blocks sign-in and refresh; activate restores sign-in', async () => {
    const { loginId } = await createUser();
    const s = okData(await client.password.signIn(loginId, PASSWORD));
    const off = okData(await mgmt.user.deactivate(loginId), 'deactivate');
    assert.equal(off.status, 'disabled');
    assertDescopeError(await client.password.signIn(loginId, PASSWORD), 403, 'E062112');
    assertDescopeError(await client.refresh(s.refreshJwt), [401, 403]);
    await assert.rejects(client.refreshSession(s.refreshJwt));
    const on = okData(await mgmt.user.activate(loginId), 'activate');
    assert.equal(on.status, 'enabled');
    okData(await client.password.signIn(loginId, PASSWORD), 'sign in after activate');
    // sessions ended by the deactivation stay ended
    assertDescopeError(await client.refresh(s.refreshJwt), 401);
  });

  test('an unknown status value is refused', async () => {
    const { loginId } = await createUser();
    const res = await mgmt.user.patch(loginId, { status: 'sleeping' });
    assertDescopeError(res, 400);
    assert.equal(okData(await mgmt.user.load(loginId), 'user.load').status, 'enabled');
  });
});

describe('user roles', () => {
  test('setRoles / addRoles / removeRoles and the next session token', async () => {
    const { loginId } = await createUser();
    const s = okData(await client.password.signIn(loginId, PASSWORD));
    assert.deepEqual(okData(await mgmt.user.setRoles(loginId, ['teacher'])).roleNames, ['teacher']);
    assert.deepEqual([...okData(await mgmt.user.addRoles(loginId, ['ta', 'student'])).roleNames].sort(), ['student', 'ta', 'teacher']);
    assert.deepEqual([...okData(await mgmt.user.removeRoles(loginId, ['teacher'])).roleNames].sort(), ['student', 'ta']);
    const refreshed = await client.refreshSession(s.refreshJwt);
    assert.deepEqual([...refreshed.token.roles].sort(), ['student', 'ta']);
    assert.equal(client.validateRoles(refreshed, ['student', 'ta']), true);
    assert.equal(client.validateRoles(refreshed, ['teacher']), false);
  });

  test('an unknown role is 400 E011003 and the roles stay as they were', async () => {
    const { loginId } = await createUser({ fields: { roles: ['teacher'] } });
    assertDescopeError(await mgmt.user.addRoles(loginId, ['student', 'no-such-role']), 400, 'E011003');
    assertDescopeError(await mgmt.user.setRoles(loginId, ['no-such-role']), 400, 'E011003');
    assert.deepEqual(okData(await mgmt.user.load(loginId), 'user.load').roleNames, ['teacher']);
  });

  // Two tabs of an admin console, or two workers of a provisioning job, adding
  // roles to one user at once: each call must add to what the other wrote.
  test('concurrent addRoles calls on one user lose no role', async () => {
    for (let round = 0; round < 10; round += 1) {
      const names = [];
      for (let i = 0; i < 16; i += 1) {
        const n = `conc-${round}-${i}-${Math.random().toString(36).slice(2, 7)}`;
        okData(await mgmt.role.create(n), 'role.create');
        names.push(n);
      }
      const { loginId } = await createUser({ password: false });
      const results = await Promise.all(names.map((n) => mgmt.user.addRoles(loginId, [n])));
      for (const r of results) okData(r, 'addRoles');
      const u = okData(await mgmt.user.search({ loginIds: [loginId] }), 'search').users[0];
      const lost = names.filter((n) => !u.roleNames.includes(n));
      assert.deepEqual(lost, [], `round ${round}: roles lost by concurrent addRoles (each call answered 200)`);
    }
  });

  test('roles of an unknown user is a Descope error', async () => {
    assertDescopeError(await mgmt.user.setRoles(uniqueEmail('ghost'), ['teacher']), [400, 404]);
  });
});

describe('user tenants', () => {
  test('add/remove tenant and tenant roles; the session `tenants` claim follows', async () => {
    const t1 = okData(await mgmt.tenant.create('School A')).id;
    const t2 = okData(await mgmt.tenant.create('School B')).id;
    const { loginId } = await createUser();
    const s = okData(await client.password.signIn(loginId, PASSWORD));

    let u = okData(await mgmt.user.addTenant(loginId, t1), 'addTenant');
    assert.deepEqual(u.userTenants.map((t) => [t.tenantId, t.roleNames]), [[t1, []]]);
    u = okData(await mgmt.user.addTenant(loginId, t2));
    assert.deepEqual(u.userTenants.map((t) => t.tenantId).sort(), [t1, t2].sort());
    u = okData(await mgmt.user.setTenantRoles(loginId, t1, ['teacher']), 'setTenantRoles');
    u = okData(await mgmt.user.addTenantRoles(loginId, t1, ['ta']), 'addTenantRoles');
    const ut1 = u.userTenants.find((t) => t.tenantId === t1);
    assert.deepEqual([...ut1.roleNames].sort(), ['ta', 'teacher']);
    assert.equal(ut1.tenantName, 'School A');
    assert.deepEqual(u.roleNames, [], 'tenant roles are not project roles');

    let info = await client.refreshSession(s.refreshJwt);
    assert.deepEqual([...info.token.tenants[t1].roles].sort(), ['ta', 'teacher']);
    assert.deepEqual(info.token.tenants[t2].roles, []);
    assert.equal(client.validateTenantRoles(info, t1, ['teacher', 'ta']), true);
    assert.equal(client.validateTenantRoles(info, t2, ['teacher']), false);
    assert.deepEqual(info.token.roles, []);

    u = okData(await mgmt.user.removeTenantRoles(loginId, t1, ['teacher']), 'removeTenantRoles');
    assert.deepEqual(u.userTenants.find((t) => t.tenantId === t1).roleNames, ['ta']);
    u = okData(await mgmt.user.removeTenant(loginId, t2), 'removeTenant');
    assert.deepEqual(u.userTenants.map((t) => t.tenantId), [t1]);

    info = await client.refreshSession(info.refreshJwt);
    assert.deepEqual(Object.keys(info.token.tenants), [t1]);
    assert.deepEqual(info.token.tenants[t1].roles, ['ta']);
    assert.equal(client.validateTenantRoles(info, t2, []), false, 'no longer a member');
  });

  test('concurrent addTenant calls on one user lose no membership', async () => {
    for (let round = 0; round < 10; round += 1) {
      const ids = [];
      for (let i = 0; i < 16; i += 1) ids.push(okData(await mgmt.tenant.create(`Conc ${round}.${i}`)).id);
      const { loginId } = await createUser({ password: false });
      const results = await Promise.all(ids.map((id) => mgmt.user.addTenant(loginId, id)));
      for (const r of results) okData(r, 'addTenant');
      const u = okData(await mgmt.user.search({ loginIds: [loginId] }), 'search').users[0];
      const have = u.userTenants.map((t) => t.tenantId);
      const lost = ids.filter((id) => !have.includes(id));
      assert.deepEqual(lost, [], `round ${round}: memberships lost by concurrent addTenant (each call answered 200)`);
    }
  });

  test('create and update with userTenants', async () => {
    const t = okData(await mgmt.tenant.create('School C')).id;
    const loginId = uniqueEmail('withtenant');
    const u = okData(await mgmt.user.create(loginId, { userTenants: [{ tenantId: t, roleNames: ['student'] }] }));
    assert.deepEqual(u.userTenants.map((x) => [x.tenantId, x.tenantName, x.roleNames]), [[t, 'School C', ['student']]]);
    const u2 = okData(await mgmt.user.update(loginId, { userTenants: [{ tenantId: t, roleNames: ['teacher'] }] }));
    assert.deepEqual(u2.userTenants.map((x) => x.roleNames), [['teacher']]);
  });

  test('adding an unknown tenant, or tenant roles outside a membership, fails without writing', async () => {
    const t = okData(await mgmt.tenant.create('School D')).id;
    const { loginId } = await createUser();
    assertDescopeError(await mgmt.user.addTenant(loginId, 'T-no-such-tenant'), [400, 404]);
    assertDescopeError(await mgmt.user.setTenantRoles(loginId, t, ['teacher']), [400, 404]);
    okData(await mgmt.user.addTenant(loginId, t));
    assertDescopeError(await mgmt.user.addTenantRoles(loginId, t, ['no-such-role']), 400, 'E011003');
    assert.deepEqual(okData(await mgmt.user.load(loginId), 'user.load').userTenants.map((x) => [x.tenantId, x.roleNames]), [[t, []]]);
  });
});

describe('custom attributes', () => {
  test('customAttributes are stored by create, patch and updateCustomAttribute', { todo: 'customAttributes are accepted but not stored (always {})' }, async () => {
    const loginId = uniqueEmail('attrs');
    const u = okData(await mgmt.user.create(loginId, { customAttributes: { grade: 7, school: 'North' } }));
    assert.deepEqual(u.customAttributes, { grade: 7, school: 'North' });
    const p = okData(await mgmt.user.patch(loginId, { customAttributes: { grade: 8 } }));
    assert.equal(p.customAttributes.grade, 8);
    const c = okData(await mgmt.user.updateCustomAttribute(loginId, 'school', 'South'));
    assert.equal(c.customAttributes.school, 'South');
  });
});

describe('user passwords', () => {
  test('setTemporaryPassword: sign-in answers E062909 until replaced', async () => {
    const { loginId } = await createUser();
    assert.equal((await mgmt.user.setTemporaryPassword(loginId, PASSWORD2)).ok, true);
    assertDescopeError(await client.password.signIn(loginId, PASSWORD2), [400, 401, 403], 'E062909');
    assertDescopeError(await client.password.signIn(loginId, PASSWORD), 401, 'E062111');
    const r = okData(await client.password.replace(loginId, PASSWORD2, PASSWORD3), 'replace the temporary password');
    assert.equal(typeof r.sessionJwt, 'string');
    okData(await client.password.signIn(loginId, PASSWORD3), 'sign in with the replacement');
  });

  test('setActivePassword: sign-in works right away', async () => {
    const { loginId } = await createUser({ password: false });
    assertDescopeError(await client.password.signIn(loginId, PASSWORD2), 401);
    assert.equal((await mgmt.user.setActivePassword(loginId, PASSWORD2)).ok, true);
    okData(await client.password.signIn(loginId, PASSWORD2));
  });

  test('setPassword (legacy) is temporary', async () => {
    const { loginId } = await createUser();
    assert.equal((await mgmt.user.setPassword(loginId, PASSWORD2)).ok, true);
    assertDescopeError(await client.password.signIn(loginId, PASSWORD2), [400, 401, 403], 'E062909');
  });

  test('expirePassword forces a replace', async () => {
    const { loginId } = await createUser();
    assert.equal((await mgmt.user.expirePassword(loginId)).ok, true);
    assertDescopeError(await client.password.signIn(loginId, PASSWORD), [400, 401, 403], 'E062909');
    okData(await client.password.replace(loginId, PASSWORD, PASSWORD2));
  });

  test('a password below the policy is 400 E011003', async () => {
    const { loginId } = await createUser();
    assertDescopeError(await mgmt.user.setActivePassword(loginId, 'short'), 400, 'E011003');
    okData(await client.password.signIn(loginId, PASSWORD), 'old password still works');
  });

  test('for an unknown user it is a Descope error', async () => {
    assertDescopeError(await mgmt.user.setActivePassword(uniqueEmail('ghost'), PASSWORD), [400, 404]);
  });
});

describe('user.logoutUser', () => {
  test('ends every session of the user, by login id and by user id', async () => {
    const { loginId, user } = await createUser();
    const a = okData(await client.password.signIn(loginId, PASSWORD));
    const b = okData(await client.password.signIn(loginId, PASSWORD));
    assert.equal((await mgmt.user.logoutUser(loginId)).ok, true);
    assertDescopeError(await client.refresh(a.refreshJwt), 401, 'E064001');
    assertDescopeError(await client.refresh(b.refreshJwt), 401, 'E064001');
    const c = okData(await client.password.signIn(loginId, PASSWORD), 'can sign in again');
    assert.equal((await mgmt.user.logoutUserByUserId(user.userId)).ok, true);
    assertDescopeError(await client.refresh(c.refreshJwt), 401, 'E064001');
    // the session JWT itself stays valid until it expires (stateless), as in Descope
    assert.equal(decodeJwt(c.sessionJwt).payload.sub, user.userId);
  });

  test('for an unknown user it is a Descope error', async () => {
    assertDescopeError(await mgmt.user.logoutUser(uniqueEmail('ghost')), [400, 404]);
  });
});
