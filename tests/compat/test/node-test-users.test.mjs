// @descope/node-sdk test users (docs/descope-wire.md §6.6): createTestUser, then
// generateOTPForTestUser / generateMagicLinkForTestUser (nothing mailed) spent through the
// SDK's own otp.verify.email / magicLink.verify; searchTestUsers; deleteAllTestUsers.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import DescopeClient from '@descope/node-sdk';
import { startServer } from '../lib/server.mjs';
import { uniqueEmail, okData, decodeJwt, assertDescopeError, assertJwtResponse } from '../lib/util.mjs';

const APP = 'http://localhost:3000';
let server;
let client;
let mgmt;
let mailboxKey;

before(async () => {
  server = await startServer({ args: ['--redirect-origins', APP] });
  const { key } = server.createManagementKey('node-test-users');
  mailboxKey = key;
  client = DescopeClient({ projectId: server.projectId, baseUrl: server.baseUrl, managementKey: key });
  mgmt = client.management;
});
after(async () => { await server?.stop(); });

async function createTestUser(tag) {
  const loginId = uniqueEmail(tag);
  const user = okData(await mgmt.user.createTestUser(loginId, { email: loginId, displayName: 'Test User' }),
    'user.createTestUser');
  assert.equal(user.test, true);
  return { loginId, user };
}

// The dev mailbox (no SMTP configured): how many messages the server would have mailed to `to`.
async function mailsTo(to) {
  const r = await fetch(`${server.baseUrl}/v1/mgmt/dev/mailbox`, {
    headers: { Authorization: `Bearer ${server.projectId}:${mailboxKey}` },
  });
  assert.equal(r.status, 200);
  return (await r.json()).messages.filter((m) => m.to === to).length;
}

describe('test-user generators', () => {
  test('generateOTPForTestUser, then otp.verify.email with the code', async () => {
    const { loginId, user } = await createTestUser('gen-otp');
    const gen = okData(await mgmt.user.generateOTPForTestUser('email', loginId), 'generateOTPForTestUser');
    assert.equal(gen.loginId, loginId);
    assert.match(gen.code, /^\d{6}$/);
    assert.equal(await mailsTo(loginId), 0, 'nothing is mailed');

    const data = okData(await client.otp.verify.email(loginId, gen.code), 'otp.verify.email');
    assertJwtResponse(data, server.projectId, { firstSeen: false, loginId });
    assert.equal(data.user.userId, user.userId);
    assert.deepEqual(decodeJwt(data.sessionJwt).payload.amr, ['email']);
    const session = await client.validateSession(data.sessionJwt);
    assert.equal(session.token.sub, user.userId);
    assertDescopeError(await client.otp.verify.email(loginId, gen.code), 401, 'E061102');
  });

  test('generateMagicLinkForTestUser, then magicLink.verify with the token of the link', async () => {
    const { loginId, user } = await createTestUser('gen-link');
    const gen = okData(await mgmt.user.generateMagicLinkForTestUser('email', loginId, `${APP}/verify`),
      'generateMagicLinkForTestUser');
    assert.equal(gen.loginId, loginId);
    assert.ok(gen.link.startsWith(`${APP}/verify?t=`), gen.link);
    const token = new URL(gen.link).searchParams.get('t');
    const data = okData(await client.magicLink.verify(token), 'magicLink.verify');
    assertJwtResponse(data, server.projectId, { firstSeen: false, loginId });
    assert.equal(data.user.userId, user.userId);
    assert.equal(data.user.verifiedEmail, true);
    assertDescopeError(await client.magicLink.verify(token), 401, 'E063010');
  });

  test('codes are minted for test users only, and links only into allowed origins', async () => {
    const normal = uniqueEmail('normal');
    okData(await mgmt.user.create(normal, { email: normal }), 'user.create');
    assertDescopeError(await mgmt.user.generateOTPForTestUser('email', normal), 400, 'E011003');
    assertDescopeError(await mgmt.user.generateMagicLinkForTestUser('email', normal, `${APP}/verify`), 400, 'E011003');
    assertDescopeError(await mgmt.user.generateOTPForTestUser('email', uniqueEmail('ghost')), 404);
    const { loginId } = await createTestUser('evil');
    assertDescopeError(await mgmt.user.generateMagicLinkForTestUser('email', loginId, 'https://evil.example/x'), 400);
    assertDescopeError(await mgmt.user.generateOTPForTestUser('sms', loginId), 400);
  });

  test('many codes in a row for one test user: no send limit, the newest one works', async () => {
    const { loginId } = await createTestUser('many');
    let last;
    for (let i = 0; i < 12; i++) {
      last = okData(await mgmt.user.generateOTPForTestUser('email', loginId), `code ${i}`).code;
    }
    okData(await client.otp.verify.email(loginId, last), 'verify of the newest code');
  });
});

describe('test-user search and deletion', () => {
  test('searchTestUsers finds test users only; deleteAllTestUsers deletes them only', async () => {
    const a = await createTestUser('del-a');
    const b = await createTestUser('del-b');
    const normal = uniqueEmail('del-normal');
    const kept = okData(await mgmt.user.create(normal, { email: normal }), 'user.create');
    const loginIds = [a.loginId, b.loginId, normal];

    const found = okData(await mgmt.user.searchTestUsers({ loginIds }), 'searchTestUsers');
    assert.deepEqual(found.users.map((u) => u.userId).sort(), [a.user.userId, b.user.userId].sort());
    const hidden = okData(await mgmt.user.search({ loginIds }), 'search');
    assert.deepEqual(hidden.users.map((u) => u.userId), [kept.userId], 'test users are hidden by default');

    okData(await mgmt.user.deleteAllTestUsers(), 'deleteAllTestUsers');
    const after = okData(await mgmt.user.search({ loginIds, withTestUser: true }), 'search after');
    assert.deepEqual(after.users.map((u) => u.userId), [kept.userId]);
    assertDescopeError(await mgmt.user.load(a.loginId), 404);
    assert.equal(okData(await mgmt.user.searchTestUsers({})).users.length, 0);
  });
});
