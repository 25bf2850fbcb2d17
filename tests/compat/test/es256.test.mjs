// ES256 sessions (`gatehouse serve --signing-alg ES256`, docs/descope-wire.md §2.1): the
// official and independent verifiers accept P-256 keys and tokens unmodified —
// @descope/node-sdk's validateSession / refreshSession, `jose` with the remote key set,
// and PyJWT's PyJWKClient (what a Python backend uses; skipped without python3-jwt).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as jose from 'jose';
import DescopeClient from '@descope/node-sdk';
import { startServer } from '../lib/server.mjs';
import { PASSWORD, uniqueEmail, okData } from '../lib/util.mjs';

const PYTHON = process.env.COMPAT_PYTHON ?? '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import jwt, cryptography'], { encoding: 'utf8' });
const noPyJwt = probe.status !== 0 && `${PYTHON} cannot import jwt (apt-get install python3-jwt python3-cryptography)`;

let server;
let client;
let tokens; // a sign-in's JWTResponse

const header = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString());

before(async () => {
  server = await startServer({ args: ['--signing-alg', 'ES256'] });
  client = DescopeClient({ projectId: server.projectId, baseUrl: server.baseUrl });
  const loginId = uniqueEmail('es256');
  okData(await client.password.signUp(loginId, PASSWORD, { name: 'Ec Dsa' }), 'signUp');
  tokens = okData(await client.password.signIn(loginId, PASSWORD), 'signIn');
});
after(async () => { await server?.stop(); });

describe('ES256 key set and tokens', () => {
  test('GET /v2/keys publishes P-256 keys with kty, crv, x, y, alg, kid', async () => {
    const body = await (await fetch(`${server.baseUrl}/v2/keys/${server.projectId}`)).json();
    assert.ok(body.keys.length >= 1);
    for (const k of body.keys) {
      assert.equal(k.kty, 'EC');
      assert.equal(k.crv, 'P-256');
      assert.equal(k.alg, 'ES256');
      assert.equal(k.use, 'sig');
      assert.equal(Buffer.from(k.x, 'base64url').length, 32);
      assert.equal(Buffer.from(k.y, 'base64url').length, 32);
      assert.ok(!('d' in k), 'no private member');
      await jose.importJWK(k);
    }
    assert.equal(header(tokens.sessionJwt).alg, 'ES256');
    assert.equal(header(tokens.sessionJwt).kid, body.keys[0].kid);
    assert.equal(Buffer.from(tokens.sessionJwt.split('.')[2], 'base64url').length, 64, 'r || s');
  });
});

describe('@descope/node-sdk', () => {
  test('validateSession accepts an ES256 session token', async () => {
    const info = await client.validateSession(tokens.sessionJwt);
    assert.equal(info.token.sub, tokens.user.userId);
    assert.equal(info.token.iss, server.projectId);
  });

  test('refreshSession returns a new ES256 session from the refresh token', async () => {
    const info = await client.refreshSession(tokens.refreshJwt);
    assert.equal(header(info.jwt).alg, 'ES256');
    assert.equal(info.token.sub, tokens.user.userId);
    assert.equal((await client.validateSession(info.jwt)).token.sub, tokens.user.userId);
  });

  test('validateSession refuses a token whose ES256 signature was changed', async () => {
    const [h, p, s] = tokens.sessionJwt.split('.');
    const sig = Buffer.from(s, 'base64url');
    sig[10] ^= 1;
    await assert.rejects(client.validateSession(`${h}.${p}.${sig.toString('base64url')}`));
  });
});

describe('jose', () => {
  test('jwtVerify with the remote key set and algorithms [ES256]', async () => {
    const JWKS = jose.createRemoteJWKSet(new URL(`${server.baseUrl}/v2/keys/${server.projectId}`));
    for (const jwt of [tokens.sessionJwt, tokens.refreshJwt]) {
      const { payload, protectedHeader } = await jose.jwtVerify(jwt, JWKS, {
        issuer: server.projectId, algorithms: ['ES256'], clockTolerance: 5,
      });
      assert.equal(protectedHeader.alg, 'ES256');
      assert.equal(payload.sub, tokens.user.userId);
    }
    await assert.rejects(jose.jwtVerify(tokens.sessionJwt, JWKS, { algorithms: ['RS256'] }));
  });
});

describe('PyJWT PyJWKClient', { skip: noPyJwt }, () => {
  test('fetches the key set, picks the key by kid and verifies the session', () => {
    const script = [
      'import sys, jwt',
      'url, token, issuer = sys.argv[1:4]',
      'key = jwt.PyJWKClient(url).get_signing_key_from_jwt(token)',
      'claims = jwt.decode(token, key.key, algorithms=["ES256"], issuer=issuer, leeway=5)',
      'print(claims["sub"])',
    ].join('\n');
    const r = spawnSync(PYTHON, ['-c', script,
      `${server.baseUrl}/v2/keys/${server.projectId}`, tokens.sessionJwt, server.projectId],
    { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), tokens.user.userId);
  });
});
