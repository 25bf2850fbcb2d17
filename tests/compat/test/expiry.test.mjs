// Time-dependent behaviour, on a server with short lifetimes
// (--session-ttl 30, the minimum, and --refresh-grace 3):
// refresh rotation with its grace window and reuse detection (docs/descope-wire.md §2.3),
// and an expired session falling back to refresh in node-sdk (§5.2).
// Takes about 40 s: it waits for a real session token to expire.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as jose from 'jose';
import createSdk from '@descope/core-js-sdk';
import DescopeClient from '@descope/node-sdk';
import { startServer } from '../lib/server.mjs';
import { PASSWORD, uniqueEmail, okData, decodeJwt, assertDescopeError, sleep } from '../lib/util.mjs';

const SESSION_TTL = 30;
const GRACE = 3;
let server;
let sdk;
let client;
let early; // a sign-in made first, whose session we let expire

before(async () => {
  server = await startServer({ args: ['--session-ttl', String(SESSION_TTL), '--refresh-grace', String(GRACE)] });
  sdk = createSdk({ projectId: server.projectId, baseUrl: server.baseUrl });
  client = DescopeClient({ projectId: server.projectId, baseUrl: server.baseUrl });
  const loginId = uniqueEmail('expiry');
  okData(await sdk.password.signUp(loginId, PASSWORD), 'signUp');
  early = { loginId, ...okData(await sdk.password.signIn(loginId, PASSWORD), 'signIn') };
});
after(async () => { await server?.stop(); });

describe('refresh rotation', () => {
  test('the session lifetime follows --session-ttl', () => {
    const { payload } = decodeJwt(early.sessionJwt);
    assert.equal(payload.exp - payload.iat, SESSION_TTL);
  });

  test('a replaced refresh token keeps working within the grace window', async () => {
    const s = okData(await sdk.password.signIn(early.loginId, PASSWORD));
    const r1 = okData(await sdk.refresh(s.refreshJwt), 'first refresh');
    // a second tab refreshing with the same (now replaced) token at the same moment
    const r1b = okData(await sdk.refresh(s.refreshJwt), 'concurrent refresh within grace');
    okData(await sdk.refresh(r1.refreshJwt), 'the first rotation works');
    okData(await sdk.refresh(r1b.refreshJwt), 'the sibling works');
  });

  test('reuse after the grace window is 401 E064001 and ends the whole sign-in', async () => {
    const s = okData(await sdk.password.signIn(early.loginId, PASSWORD));
    const r1 = okData(await sdk.refresh(s.refreshJwt), 'refresh');
    await sleep((GRACE + 1.5) * 1000);
    assertDescopeError(await sdk.refresh(s.refreshJwt), 401, 'E064001');
    assertDescopeError(await sdk.refresh(r1.refreshJwt), 401, 'E064001');
    // try-refresh: a revoked token is 401 (not 200 {}), so web-js wipes its copy
    assertDescopeError(await sdk.refresh(r1.refreshJwt, undefined, undefined, true), 401);
    early.refreshJwt = okData(await sdk.refresh(early.refreshJwt), 'other sign-ins are unaffected').refreshJwt;
  });
});

describe('expired session', () => {
  test('is rejected by validateSession and jose, and validateAndRefreshSession refreshes it', async () => {
    const { payload } = decodeJwt(early.sessionJwt);
    // node-sdk and jose allow 5 s of clock skew
    const wait = (payload.exp + 6) * 1000 - Date.now();
    if (wait > 0) await sleep(wait);
    assert.equal(sdk.isJwtExpired(early.sessionJwt), true);
    await assert.rejects(client.validateSession(early.sessionJwt), /exp/);
    const jwks = jose.createRemoteJWKSet(new URL(`${server.baseUrl}/v2/keys/${server.projectId}`));
    await assert.rejects(jose.jwtVerify(early.sessionJwt, jwks, { clockTolerance: 5 }), (e) => e.code === 'ERR_JWT_EXPIRED');

    const latest = okData(await sdk.refresh(early.refreshJwt), 'refresh').refreshJwt;
    const info = await client.validateAndRefreshSession(early.sessionJwt, latest);
    assert.ok(info.token.exp > Math.floor(Date.now() / 1000), 'a fresh session');
    assert.equal(info.token.sub, early.user.userId);
    await client.validateSession(info.jwt);
  });
});
