// @descope/core-js-sdk's TOTP calls against Gatehouse (docs/descope-wire.md, "TOTP"):
// sdk.totp.signUp → key, sdk.totp.verify with a code computed here (RFC 6238 with node's
// HMAC-SHA1) → JWTResponse; sdk.totp.update; TOTP after a password (the MFA ticket passed
// as verify's token); node-sdk's management.user.removeTOTPSeed.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import createSdk from '@descope/core-js-sdk';
import DescopeClient from '@descope/node-sdk';
import { startServer } from '../lib/server.mjs';
import {
  PASSWORD, uniqueEmail, decodeJwt, okData, assertDescopeError, assertJwtResponse, assertUserResponse,
} from '../lib/util.mjs';

// RFC 4648 base32 → bytes.
function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error(`not base32: ${text}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

// RFC 6238: HMAC-SHA1, 30 s steps, 6 digits.
function totp(key, unixTime = Date.now() / 1000) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixTime / 30)));
  const mac = createHmac('sha1', base32Decode(key)).update(counter).digest();
  const offset = mac[19] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, '0');
}

let server;
let sdk;
let mgmt;

before(async () => {
  server = await startServer();
  sdk = createSdk({ projectId: server.projectId, baseUrl: server.baseUrl });
  const { key } = server.createManagementKey('totp');
  mgmt = DescopeClient({ projectId: server.projectId, baseUrl: server.baseUrl, managementKey: key }).management;
});
after(async () => { await server?.stop(); });

describe('totp', () => {
  test('the RFC 6238 helper of this file matches Appendix B', () => {
    // base32 of the SHA-1 seed "12345678901234567890", as an authenticator app gets it
    assert.equal(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59), '287082');
    assert.equal(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 1111111109), '081804');
  });

  test('signUp returns key, provisioningURL and a PNG; verify with the code signs in once', async () => {
    const loginId = uniqueEmail('totp');
    const enrolled = okData(await sdk.totp.signUp(loginId, { name: 'Tom Totp' }), 'totp.signUp');
    assert.match(enrolled.key, /^[A-Z2-7]{32}$/);
    assert.equal(enrolled.provisioningURL,
      `otpauth://totp/Gatehouse:${encodeURIComponent(loginId)}?secret=${enrolled.key}&issuer=Gatehouse`);
    const png = Buffer.from(enrolled.image, 'base64');
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

    const code = totp(enrolled.key);
    const data = okData(await sdk.totp.verify(loginId, code), 'totp.verify');
    const { session } = assertJwtResponse(data, server.projectId, { firstSeen: true, loginId });
    assertUserResponse(data.user);
    assert.equal(data.user.TOTP, true);
    assert.equal(data.user.password, false);
    assert.equal(data.user.name, 'Tom Totp');
    assert.deepEqual(session.payload.amr, ['totp']);

    // Replayed inside its window, a wrong code, an unknown user: one answer.
    assertDescopeError(await sdk.totp.verify(loginId, code), 401, 'E061102');
    const wrong = code === '000000' ? '000001' : '000000';
    assertDescopeError(await sdk.totp.verify(loginId, wrong), 401, 'E061102');
    assertDescopeError(await sdk.totp.verify(uniqueEmail('nobody'), code), 401, 'E061102');
  });

  test('update gives the signed-in user a new key', async () => {
    const loginId = uniqueEmail('totp-update');
    const first = okData(await sdk.totp.signUp(loginId), 'totp.signUp');
    const signedIn = okData(await sdk.totp.verify(loginId, totp(first.key)), 'totp.verify');
    const again = okData(await sdk.totp.update(loginId, signedIn.refreshJwt), 'totp.update');
    assert.notEqual(again.key, first.key);
    okData(await sdk.totp.verify(loginId, totp(again.key)), 'verify with the new key');
  });

  test('after a password, the code finishes the sign-in with the MFA ticket', async () => {
    const loginId = uniqueEmail('totp-mfa');
    const up = okData(await sdk.password.signUp(loginId, PASSWORD), 'password.signUp');
    const { key } = okData(await sdk.totp.update(loginId, up.refreshJwt), 'totp.update');
    // In force once a code is accepted: confirmed with the user's own refresh token (the
    // previous step's code, so the current one stays fresh).
    okData(await sdk.totp.verify(loginId, totp(key, Date.now() / 1000 - 30), undefined, up.refreshJwt),
      'totp.verify confirming the new key');

    const first = await sdk.password.signIn(loginId, PASSWORD);
    assertDescopeError(first, 401, 'E062801');
    assert.equal(typeof first.error.mfaTicket, 'string');
    // The ticket travels as verify's token (Authorization: Bearer <projectId>:<ticket>).
    const data = okData(await sdk.totp.verify(loginId, totp(key), undefined, first.error.mfaTicket),
      'totp.verify with the ticket');
    assertJwtResponse(data, server.projectId, { firstSeen: false, loginId });
    assert.deepEqual(decodeJwt(data.sessionJwt).payload.amr.sort(), ['mfa', 'pwd', 'totp']);
  });

  test('management removeTOTPSeed removes TOTP from the user', async () => {
    const loginId = uniqueEmail('totp-remove');
    const { key } = okData(await sdk.totp.signUp(loginId), 'totp.signUp');
    assert.equal(okData(await mgmt.user.load(loginId), 'user.load').TOTP, true);
    okData(await mgmt.user.removeTOTPSeed(loginId), 'user.removeTOTPSeed');
    assert.equal(okData(await mgmt.user.load(loginId), 'user.load').TOTP, false);
    assertDescopeError(await sdk.totp.verify(loginId, totp(key)), 401, 'E061102');
  });
});
