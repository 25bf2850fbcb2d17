// Cookie mode (docs/descope-wire.md §2.6, `--token-cookies refresh`): the refresh JWT
// arrives only in the HttpOnly DSR cookie, not in the body. What the SDKs make of that:
// node-sdk takes it from the Set-Cookie header (and builds its `cookies` from it), so
// refreshSession keeps working; core-js hands the body on without a refreshJwt (the browser
// keeps the cookie; web-js then stores no DSR and sends the cookie with credentials).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import createSdk from '@descope/core-js-sdk';
import DescopeClient from '@descope/node-sdk';
import { startServer } from '../lib/server.mjs';
import { PASSWORD, uniqueEmail, decodeJwt, okData } from '../lib/util.mjs';

let server;
let node;
let core;

before(async () => {
  server = await startServer({ args: ['--token-cookies', 'refresh'] });
  node = DescopeClient({ projectId: server.projectId, baseUrl: server.baseUrl });
  core = createSdk({ projectId: server.projectId, baseUrl: server.baseUrl });
});
after(async () => { await server?.stop(); });

describe('cookie mode (§2.6)', () => {
  test('the body has no refreshJwt; the HttpOnly DSR cookie has it', async () => {
    const loginId = uniqueEmail('cookie');
    const res = await fetch(`${server.baseUrl}/v1/auth/password/signup`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.projectId}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ loginId, password: PASSWORD }),
    });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.refreshJwt, undefined, 'refreshJwt left out of the body');
    assert.equal(typeof body.sessionJwt, 'string');
    assert.equal(typeof body.cookieMaxAge, 'number');
    const cookie = res.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^DSR=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
    assert.equal(decodeJwt(cookie.slice(4, cookie.indexOf(';'))).payload.drn, 'DSR');
  });

  test('core-js passes the body on without a refresh token', async () => {
    const data = okData(await core.password.signUp(uniqueEmail('core'), PASSWORD));
    assert.equal(typeof data.sessionJwt, 'string');
    assert.equal(data.refreshJwt, undefined);
    assert.equal(typeof data.sessionExpiration, 'number');
  });

  test('node-sdk reads the refresh JWT from the cookie, and refreshSession works with it', async () => {
    const loginId = uniqueEmail('node');
    okData(await node.password.signUp(loginId, PASSWORD));
    const signIn = okData(await node.password.signIn(loginId, PASSWORD));
    assert.equal(typeof signIn.refreshJwt, 'string', 'taken from Set-Cookie');
    assert.equal(decodeJwt(signIn.refreshJwt).payload.drn, 'DSR');
    assert.match(signIn.cookies[0], /^DSR=/);
    const info = await node.refreshSession(signIn.refreshJwt);
    assert.equal(info.token.drn, 'DS');
    assert.equal(typeof info.refreshJwt, 'string');
    assert.notEqual(info.refreshJwt, signIn.refreshJwt, 'rotated, and found in the cookie');
    okData(await node.logout(info.refreshJwt));
  });
});
