// Who may call the management API (docs/descope-wire.md §6): a management key from
// `gatehouse mgmt-key create` (401 when missing, unknown or revoked), and —
// a Gatehouse extension — an admin's own session JWT.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import DescopeClient from '@descope/node-sdk';
import { startServer } from '../lib/server.mjs';
import { PASSWORD, PASSWORD2, uniqueEmail, okData, assertDescopeError } from '../lib/util.mjs';

let server;

before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

const mgmtWith = (managementKey, projectId = server.projectId) =>
  DescopeClient({ projectId, baseUrl: server.baseUrl, managementKey }).management;

// One call per resource kind, so a hole in any router group shows.
async function assertAllRefused(m, status) {
  assertDescopeError(await m.user.search({ limit: 1 }), status);
  assertDescopeError(await m.user.create(uniqueEmail('nope')), status);
  assertDescopeError(await m.role.loadAll(), status);
  assertDescopeError(await m.permission.loadAll(), status);
  assertDescopeError(await m.tenant.loadAll(), status);
}

describe('management keys', () => {
  test('a valid key works', async () => {
    const { key } = server.createManagementKey('valid');
    assert.match(key, /^\S+$/);
    assert.ok(!key.includes(':'), 'keys must not contain ":" (Bearer P:key)');
    okData(await mgmtWith(key).user.search({ limit: 1 }), 'search with a valid key');
    okData(await mgmtWith(key).role.loadAll(), 'role.loadAll with a valid key');
  });

  test('no key at all is 401', async () => {
    const m = DescopeClient({ projectId: server.projectId, baseUrl: server.baseUrl }).management;
    await assertAllRefused(m, 401);
  });

  test('an unknown key is 401', async () => {
    await assertAllRefused(mgmtWith('gh_nosuchkey_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), 401);
    await assertAllRefused(mgmtWith('not-even-key-shaped'), 401);
  });

  test('a tampered key is 401', async () => {
    const { key } = server.createManagementKey('tampered');
    const last = key.at(-1) === 'A' ? 'B' : 'A';
    await assertAllRefused(mgmtWith(key.slice(0, -1) + last), 401);
  });

  test('a valid key for the wrong project id is 401', async () => {
    const { key } = server.createManagementKey('wrong-project');
    await assertAllRefused(mgmtWith(key, 'P' + 'w'.repeat(27)), 401);
  });

  test('a revoked key is 401; other keys keep working', async () => {
    const a = server.createManagementKey('to-revoke');
    const b = server.createManagementKey('keeper');
    okData(await mgmtWith(a.key).user.search({ limit: 1 }));
    const listed = server.listManagementKeys().find((k) => k.id === a.id);
    assert.equal(listed?.status, 'active', '`mgmt-key list` shows the key id');
    server.revokeManagementKey(a.id);
    assert.equal(server.listManagementKeys().find((k) => k.id === a.id)?.status, 'revoked');
    await assertAllRefused(mgmtWith(a.key), 401);
    okData(await mgmtWith(b.key).user.search({ limit: 1 }), 'the other key');
  });

  test('nothing is written by a refused call', async () => {
    const { key } = server.createManagementKey('checker');
    const loginId = uniqueEmail('refused');
    assertDescopeError(await mgmtWith('gh_bogus').user.create(loginId), 401);
    const found = okData(await mgmtWith(key).user.search({ loginIds: [loginId] }));
    assert.equal(found.users.length, 0);
  });
});

describe('admin session JWT (Gatehouse extension)', () => {
  test("the first admin's session JWT is accepted as a management credential", async () => {
    assert.ok(server.adminPassword, 'first start printed the admin one-time password');
    const auth = DescopeClient({ projectId: server.projectId, baseUrl: server.baseUrl });
    // the one-time password is expired: sign-in says E062909, replace works
    assertDescopeError(await auth.password.signIn(server.adminLoginId, server.adminPassword), [400, 401, 403], 'E062909');
    const s = okData(await auth.password.replace(server.adminLoginId, server.adminPassword, PASSWORD2), 'admin replace');
    assert.ok(s.user.roleNames.includes('admin'));
    const m = mgmtWith(s.sessionJwt);
    okData(await m.user.search({ limit: 5 }), 'search as admin session');
    const loginId = uniqueEmail('byadmin');
    okData(await m.user.create(loginId, { displayName: 'Made By Admin' }), 'create as admin session');
  });

  test("a non-admin's session JWT is refused with 403", async () => {
    const auth = DescopeClient({ projectId: server.projectId, baseUrl: server.baseUrl });
    const s = okData(await auth.password.signUp(uniqueEmail('plain'), PASSWORD), 'signUp');
    await assertAllRefused(mgmtWith(s.sessionJwt), 403);
  });

  // (uses the admin password set by the first test of this group)
  test('a refresh JWT is not a management credential', async () => {
    const auth = DescopeClient({ projectId: server.projectId, baseUrl: server.baseUrl });
    const s = okData(await auth.password.signIn(server.adminLoginId, PASSWORD2), 'admin signIn');
    await assertAllRefused(mgmtWith(s.refreshJwt), 401);
  });
});
