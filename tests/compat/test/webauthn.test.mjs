// @descope/core-js-sdk's WebAuthn calls against Gatehouse (docs/descope-wire.md §4.6), with a
// software authenticator written here on node:crypto (P-256 keys, a small CBOR encoder):
// signUp.start → attestation → signUp.finish → JWT; signIn likewise; signUpOrIn; update;
// node-sdk's management.user.removeAllPasskeys. The `response` strings are built exactly
// as @descope/web-js-sdk builds them from navigator.credentials.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import createSdk from '@descope/core-js-sdk';
import DescopeClient from '@descope/node-sdk';
import { startServer } from '../lib/server.mjs';
import {
  PASSWORD, uniqueEmail, decodeJwt, okData, assertDescopeError, assertJwtResponse,
} from '../lib/util.mjs';

// --- CBOR (RFC 8949), only what an authenticator writes ---
function head(major, n) {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) { const b = Buffer.alloc(3); b[0] = (major << 5) | 25; b.writeUInt16BE(n, 1); return b; }
  const b = Buffer.alloc(5); b[0] = (major << 5) | 26; b.writeUInt32BE(n, 1); return b;
}
function cbor(v) {
  if (Buffer.isBuffer(v)) return Buffer.concat([head(2, v.length), v]);
  if (typeof v === 'number') return v >= 0 ? head(0, v) : head(1, -1 - v);
  if (typeof v === 'string') { const b = Buffer.from(v, 'utf8'); return Buffer.concat([head(3, b.length), b]); }
  if (Array.isArray(v)) return Buffer.concat([head(4, v.length), ...v.map(cbor)]);
  if (v instanceof Map) {
    return Buffer.concat([head(5, v.size), ...[...v].flatMap(([k, x]) => [cbor(k), cbor(x)])]);
  }
  throw new Error(`cbor: ${typeof v}`);
}

const sha256 = (b) => createHash('sha256').update(b).digest();
const b64u = (b) => Buffer.from(b).toString('base64url');

// What navigator.credentials.create()/get() would do for one passkey, as web-js-sdk
// serialises it.
class SoftAuthenticator {
  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    this.jwk = publicKey.export({ format: 'jwk' });
    this.credentialId = randomBytes(32);
    this.counter = 0;
  }

  coseKey() {
    return cbor(new Map([[1, 2], [3, -7], [-1, 1],
      [-2, Buffer.from(this.jwk.x, 'base64url')], [-3, Buffer.from(this.jwk.y, 'base64url')]]));
  }

  authData(rpId, attested) {
    const flags = 0x01 | 0x04 | (attested ? 0x40 : 0); // UP, UV, AT
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    const parts = [sha256(rpId), Buffer.from([flags]), counter];
    if (attested) {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(this.credentialId.length);
      parts.push(Buffer.alloc(16), len, this.credentialId, this.coseKey());
    }
    return Buffer.concat(parts);
  }

  static clientData(type, challenge, origin) {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  // options: the server's `options` string; returns web-js-sdk's `response` string.
  create(options, origin) {
    const pk = JSON.parse(options).publicKey;
    const clientDataJSON = SoftAuthenticator.clientData('webauthn.create', pk.challenge, origin);
    const authData = this.authData(pk.rp.id, true);
    const sig = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), this.privateKey);
    const attestationObject = cbor(new Map([
      ['fmt', 'packed'], ['attStmt', new Map([['alg', -7], ['sig', sig]])], ['authData', authData]]));
    const id = b64u(this.credentialId);
    return JSON.stringify({
      id, rawId: id, type: 'public-key',
      response: { attestationObject: b64u(attestationObject), clientDataJSON: b64u(clientDataJSON) },
    });
  }

  get(options, origin) {
    const pk = JSON.parse(options).publicKey;
    this.counter += 1;
    const clientDataJSON = SoftAuthenticator.clientData('webauthn.get', pk.challenge, origin);
    const authData = this.authData(pk.rpId, false);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), this.privateKey);
    const id = b64u(this.credentialId);
    return JSON.stringify({
      id, rawId: id, type: 'public-key',
      response: {
        authenticatorData: b64u(authData), clientDataJSON: b64u(clientDataJSON),
        signature: b64u(signature), userHandle: undefined,
      },
    });
  }
}

// A successful sign-in: the JWTResponse fields, checked as every sign-in's are.
function jwtOk(res, what) {
  const data = okData(res, what);
  assertJwtResponse(data, server.projectId);
  return data;
}

let server;
let sdk;
let mgmt;
let origin;

before(async () => {
  server = await startServer();
  sdk = createSdk({ projectId: server.projectId, baseUrl: server.baseUrl });
  const { key } = server.createManagementKey('webauthn');
  mgmt = DescopeClient({ projectId: server.projectId, baseUrl: server.baseUrl, managementKey: key }).management;
  // The page origin a browser on this server would have; the RP ID is "localhost".
  origin = `http://localhost:${new URL(server.baseUrl).port}`;
});
after(async () => { await server?.stop(); });

async function signUp(loginId, authenticator, name = 'Wes Authn') {
  const started = okData(await sdk.webauthn.signUp.start(loginId, origin, name), 'webauthn.signUp.start');
  assert.equal(started.create, true);
  assert.equal(typeof started.options, 'string', 'options is a JSON string');
  const pk = JSON.parse(started.options).publicKey;
  assert.equal(pk.rp.id, 'localhost');
  assert.equal(pk.user.name, loginId);
  assert.deepEqual(pk.pubKeyCredParams.map((p) => p.alg), [-7, -257]);
  return sdk.webauthn.signUp.finish(started.transactionId, authenticator.create(started.options, origin));
}

async function signIn(loginId, authenticator) {
  const started = okData(await sdk.webauthn.signIn.start(loginId, origin), 'webauthn.signIn.start');
  assert.equal(started.create, false);
  return sdk.webauthn.signIn.finish(started.transactionId, authenticator.get(started.options, origin));
}

describe('webauthn', () => {
  test('signUp.start → attestation → signUp.finish signs up; signIn signs in; refresh works', async () => {
    const loginId = uniqueEmail('passkey');
    const authenticator = new SoftAuthenticator();
    const up = await signUp(loginId, authenticator);
    jwtOk(up, 'webauthn.signUp.finish');
    assert.equal(up.data.firstSeen, true);
    assert.equal(up.data.user.webauthn, true);
    assert.deepEqual(decodeJwt(up.data.sessionJwt).payload.amr, ['webauthn']);

    const inRes = await signIn(loginId, authenticator);
    jwtOk(inRes, 'webauthn.signIn.finish');
    assert.equal(inRes.data.user.userId, up.data.user.userId);
    const refreshed = await sdk.refresh(inRes.data.refreshJwt);
    jwtOk(refreshed, 'refresh');
  });

  test('a finished transaction cannot be finished again; another passkey is refused', async () => {
    const loginId = uniqueEmail('replay');
    const authenticator = new SoftAuthenticator();
    okData(await signUp(loginId, authenticator), 'signUp');
    const started = okData(await sdk.webauthn.signIn.start(loginId, origin), 'signIn.start');
    const response = authenticator.get(started.options, origin);
    jwtOk(await sdk.webauthn.signIn.finish(started.transactionId, response), 'signIn.finish');
    assertDescopeError(await sdk.webauthn.signIn.finish(started.transactionId, response), 401, 'E062111');
    assertDescopeError(await signIn(loginId, new SoftAuthenticator()), 401, 'E062111');
    // An unknown account gets options all the same, and no session.
    const unknown = okData(await sdk.webauthn.signIn.start(uniqueEmail('nobody'), origin), 'signIn.start');
    assert.equal(JSON.parse(unknown.options).publicKey.allowCredentials.length, 1);
  });

  test('signUpOrIn.start says which finish to call', async () => {
    const loginId = uniqueEmail('either');
    const authenticator = new SoftAuthenticator();
    const first = okData(await sdk.webauthn.signUpOrIn.start(loginId, origin), 'signUpOrIn.start');
    assert.equal(first.create, true);
    jwtOk(await sdk.webauthn.signUp.finish(first.transactionId,
      authenticator.create(first.options, origin)), 'signUp.finish');
    const second = okData(await sdk.webauthn.signUpOrIn.start(loginId, origin), 'signUpOrIn.start');
    assert.equal(second.create, false);
    jwtOk(await sdk.webauthn.signIn.finish(second.transactionId,
      authenticator.get(second.options, origin)), 'signIn.finish');
  });

  test('update adds a passkey to a password account; removeAllPasskeys removes it', async () => {
    const loginId = uniqueEmail('update');
    const signedUp = okData(await sdk.password.signUp(loginId, PASSWORD), 'password.signUp');
    assert.equal(signedUp.user.webauthn, false);
    const started = okData(await sdk.webauthn.update.start(loginId, origin, signedUp.refreshJwt),
      'webauthn.update.start');
    assert.equal(started.create, true);
    const authenticator = new SoftAuthenticator();
    const finished = await sdk.webauthn.update.finish(started.transactionId,
      authenticator.create(started.options, origin));
    assert.equal(finished.ok, true, JSON.stringify(finished.error));
    const inRes = await signIn(loginId, authenticator);
    jwtOk(inRes, 'signIn after update');
    assert.equal(inRes.data.user.userId, signedUp.user.userId);
    assert.equal(inRes.data.user.webauthn, true);

    const removed = await mgmt.user.removeAllPasskeys(loginId);
    assert.equal(removed.ok, true, JSON.stringify(removed.error));
    assertDescopeError(await signIn(loginId, authenticator), 401, 'E062111');
    // Without a refresh token there is nothing to update.
    assertDescopeError(await sdk.webauthn.update.start(loginId, origin, ''), [400, 401]);
  });
});
