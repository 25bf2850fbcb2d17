// An independent verifier: `jose` (not the copy bundled in node-sdk) checks
// Gatehouse's tokens against the published key set, as any third-party backend
// would (docs/descope-wire.md §2.1–§2.3).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as jose from 'jose';
import createSdk from '@descope/core-js-sdk';
import { startServer } from '../lib/server.mjs';
import { PASSWORD, uniqueEmail, okData } from '../lib/util.mjs';

let server;
let sdk;
let JWKS;
let tokens; // a sign-up's JWTResponse

before(async () => {
  server = await startServer();
  sdk = createSdk({ projectId: server.projectId, baseUrl: server.baseUrl });
  JWKS = jose.createRemoteJWKSet(new URL(`${server.baseUrl}/v2/keys/${server.projectId}`));
  tokens = okData(await sdk.password.signUp(uniqueEmail('jose'), PASSWORD), 'signUp');
});
after(async () => { await server?.stop(); });

describe('key set', () => {
  test('GET /v2/keys/{projectId} is {keys:[…]} with kid, alg, use, RSA members', async () => {
    const res = await fetch(`${server.baseUrl}/v2/keys/${server.projectId}`, {
      headers: { Authorization: `Bearer ${server.projectId}` },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /application\/json/);
    const body = await res.json();
    assert.ok(Array.isArray(body.keys) && body.keys.length >= 1);
    for (const k of body.keys) {
      assert.equal(k.kty, 'RSA');
      assert.equal(k.alg, 'RS256');
      assert.equal(k.use, 'sig');
      assert.equal(typeof k.kid, 'string');
      assert.equal(k.e, 'AQAB');
      assert.ok(Buffer.from(k.n, 'base64url').length >= 256, 'at least 2048-bit modulus');
      assert.ok(!('d' in k) && !('p' in k), 'no private members');
      await jose.importJWK(k); // needs alg, as node-sdk does
    }
  });

  test('GET /v1/keys/{projectId} (legacy) is the bare array', async () => {
    const v1 = await (await fetch(`${server.baseUrl}/v1/keys/${server.projectId}`)).json();
    const v2 = await (await fetch(`${server.baseUrl}/v2/keys/${server.projectId}`)).json();
    assert.deepEqual(v1, v2.keys);
  });

  test('an unknown project id is a 404 Descope error', async () => {
    const res = await fetch(`${server.baseUrl}/v2/keys/Pnosuchproject000000000000000`);
    assert.equal(res.status, 404);
    assert.match((await res.json()).errorCode, /^E\d{6}$/);
  });
});

describe('jwtVerify', () => {
  test('verifies the session JWT with issuer = project id', async () => {
    const { payload, protectedHeader } = await jose.jwtVerify(tokens.sessionJwt, JWKS, {
      issuer: server.projectId, algorithms: ['RS256'], clockTolerance: 5,
    });
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(protectedHeader.typ, 'JWT');
    assert.equal(typeof protectedHeader.kid, 'string');
    assert.equal(payload.drn, 'DS');
    assert.equal(payload.sub, tokens.user.userId);
    assert.equal(payload.aud, undefined);
  });

  test('verifies the refresh JWT with issuer = project id', async () => {
    const { payload } = await jose.jwtVerify(tokens.refreshJwt, JWKS, {
      issuer: server.projectId, algorithms: ['RS256'], clockTolerance: 5,
    });
    assert.equal(payload.drn, 'DSR');
    assert.equal(payload.sub, tokens.user.userId);
    assert.equal(typeof payload.jti, 'string');
  });

  test('verifies refreshed and rotated tokens', async () => {
    const r = okData(await sdk.refresh(tokens.refreshJwt), 'refresh');
    await jose.jwtVerify(r.sessionJwt, JWKS, { issuer: server.projectId });
    await jose.jwtVerify(r.refreshJwt, JWKS, { issuer: server.projectId });
  });

  test('the header kid names a key of the set and alg matches it (what Python checks)', async () => {
    const { keys } = await (await fetch(`${server.baseUrl}/v2/keys/${server.projectId}`)).json();
    for (const jwt of [tokens.sessionJwt, tokens.refreshJwt]) {
      const h = jose.decodeProtectedHeader(jwt);
      const k = keys.find((x) => x.kid === h.kid);
      assert.ok(k, 'kid is in the key set');
      assert.equal(k.alg, h.alg);
      await jose.compactVerify(jwt, await jose.importJWK(k, h.alg));
    }
  });

  test('rejects a wrong issuer, a tampered payload and a foreign signature', async () => {
    await assert.rejects(jose.jwtVerify(tokens.sessionJwt, JWKS, { issuer: 'P-other' }),
      (e) => e.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED');
    const [h, , sig] = tokens.sessionJwt.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'Uevil', iss: server.projectId, exp: 9e9, drn: 'DS', roles: ['admin'] })).toString('base64url')}.${sig}`;
    await assert.rejects(jose.jwtVerify(forged, JWKS), (e) => e.code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    const { privateKey } = await jose.generateKeyPair('RS256');
    const foreign = await new jose.SignJWT({ drn: 'DS' })
      .setProtectedHeader({ alg: 'RS256', kid: jose.decodeProtectedHeader(tokens.sessionJwt).kid })
      .setIssuer(server.projectId).setSubject(tokens.user.userId).setIssuedAt().setExpirationTime('5m')
      .sign(privateKey);
    await assert.rejects(jose.jwtVerify(foreign, JWKS), (e) => e.code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  test('a restart on the same data directory keeps keys, project id and sessions', async () => {
    const mine = okData(await sdk.password.signUp(uniqueEmail('restart'), PASSWORD), 'signUp');
    const dataDir = server.dataDir;
    const pid = server.projectId;
    await server.stop({ keepData: true });
    server = await startServer({ dataDir });
    assert.equal(server.projectId, pid, 'the project id is kept in the data dir');
    assert.equal(server.adminPassword, '', 'no second admin is created');
    const jwks = jose.createRemoteJWKSet(new URL(`${server.baseUrl}/v2/keys/${server.projectId}`));
    await jose.jwtVerify(mine.sessionJwt, jwks, { issuer: pid });
    const again = createSdk({ projectId: pid, baseUrl: server.baseUrl });
    const r = okData(await again.refresh(mine.refreshJwt), 'refresh after restart');
    await jose.jwtVerify(r.sessionJwt, jwks, { issuer: pid });
  });
});
